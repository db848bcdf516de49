// A run status as a word with a symbol and a colour: never colour alone.
import type { RunStatus } from '../types.js';

const SYMBOLS: Record<string, string> = {
  success: '✓',
  failed: '✗',
  timeout: '◷',
  skipped: '↷',
  interrupted: '⚠',
  cancelled: '⊘',
  running: '▶',
  retrying: '↻',
  queued: '…',
  waiting: '◔',
  awaiting_approval: '?',
};

export function Badge({ status, title }: { status: RunStatus | string | null | undefined; title?: string | undefined }) {
  if (!status) return <span class="badge s-none">none</span>;
  return (
    <span class={`badge s-${status}`} title={title}>
      <span aria-hidden="true">{SYMBOLS[status] ?? '•'}</span> {status.replace('_', ' ')}
    </span>
  );
}
