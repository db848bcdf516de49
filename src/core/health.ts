// The health file's one line, `status:timestamp:exit_code`, written and read back.
import type { Health, RunStatus } from './types.js';

const STATUSES: ReadonlySet<string> = new Set(['running', 'success', 'failed', 'timeout', 'skipped', 'interrupted', 'cancelled']);

/** ISO 8601 UTC to the second, as in the contract's example `2025-06-02T10:00:00Z`. */
export function healthTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function formatHealth(health: Health): string {
  return `${health.status}:${health.timestamp}:${health.exit_code ?? ''}\n`;
}

/** Reads a health line; the timestamp holds colons, so status is before the first, code after the last. */
export function parseHealth(text: string): Health | null {
  const line = text.trim();
  const first = line.indexOf(':');
  const last = line.lastIndexOf(':');
  if (first <= 0 || last <= first) return null;
  const status = line.slice(0, first);
  const timestamp = line.slice(first + 1, last);
  const code = line.slice(last + 1);
  if (!STATUSES.has(status) || Number.isNaN(Date.parse(timestamp))) return null;
  const exitCode = code === '' ? null : Number(code);
  if (exitCode !== null && !Number.isInteger(exitCode)) return null;
  return { status: status as RunStatus, timestamp, exit_code: exitCode };
}
