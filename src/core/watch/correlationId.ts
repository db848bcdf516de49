// CONDUCTOR_CORRELATION_ID (spec/triggers.md, seed 000): the file's top-level `correlation_id`
// when it is JSON and has one, else the run id. Only a value an environment variable can carry
// is taken: a string or number, at most 1024 characters, no NUL byte.

export const MAX_CORRELATION_ID = 1024;

export function correlationIdOf(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const raw = (value as Record<string, unknown>).correlation_id;
  const text = typeof raw === 'string' ? raw : typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : null;
  if (text === null || text === '' || text.length > MAX_CORRELATION_ID || text.includes('\0')) return null;
  return text;
}
