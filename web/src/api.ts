// Every request the page makes: to the daemon that served it (same origin), with the token in
// `Authorization: Bearer` (the event stream, which cannot send a header, passes it as ?token=).
// The token lives in the tab's sessionStorage; a 401 forgets it and asks for it again.

const KEY = 'conductor.token';
const listeners = new Set<() => void>();
/** The token the daemon last refused (a 401) and why: the login form then says so. */
let refused: { token: string; message: string } | null = null;

export function currentToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token) refused = null;
  if (token) sessionStorage.setItem(KEY, token);
  else sessionStorage.removeItem(KEY);
  for (const listener of [...listeners]) listener();
}

/** The token the daemon refused last, with its reason, until a token is set again. */
export function lastRefusal(): { token: string; message: string } | null {
  return refused;
}

/** Called when the token is set or forgotten. */
export function onTokenChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A refusal of the API, with its message (`{"error": {"code", "message"}}`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function headers(json: boolean): Record<string, string> {
  const out: Record<string, string> = { authorization: `Bearer ${currentToken() ?? ''}` };
  if (json) out['content-type'] = 'application/json';
  return out;
}

async function refusal(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
  const message = body?.error?.message ?? `the daemon answered ${response.status}`;
  if (response.status === 401) {
    refused = { token: currentToken() ?? '', message };
    setToken(null);
  }
  return new ApiError(response.status, message);
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, { headers: headers(false), signal: signal ?? null });
  if (!response.ok) throw await refusal(response);
  return (await response.json()) as T;
}

export async function postJson<T>(path: string, body: unknown = {}): Promise<T> {
  const response = await fetch(path, { method: 'POST', headers: headers(true), body: JSON.stringify(body) });
  if (!response.ok) throw await refusal(response);
  return (await response.json()) as T;
}

/** A streamed text answer (a run's log), chunk by chunk, until it ends or `signal` aborts. */
export async function streamText(path: string, onText: (text: string) => void, signal: AbortSignal): Promise<void> {
  const response = await fetch(path, { headers: headers(false), signal });
  if (!response.ok) throw await refusal(response);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    onText(decoder.decode(value, { stream: true }));
  }
  onText(decoder.decode());
}

export const enc = encodeURIComponent;

export interface RunFilters {
  task?: string | undefined;
  status?: string | undefined;
  trigger?: string | undefined;
}

/** The path of a page of runs (GET /api/v1/runs), newest first. */
export function runsPath(filters: RunFilters, limit: number, before?: string): string {
  const query = new URLSearchParams({ limit: String(limit) });
  for (const key of ['task', 'status', 'trigger'] as const) if (filters[key]) query.set(key, filters[key] as string);
  if (before) query.set('before', before);
  return `/api/v1/runs?${query}`;
}
