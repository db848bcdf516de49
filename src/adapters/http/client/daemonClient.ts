// The CLI's side of the daemon's API: JSON requests with the token, and the live event stream
// (Server-Sent Events) read as it comes. Node's own fetch; nothing of the server is loaded.
import { ConductorError } from '../../../core/errors.js';

export interface StreamEvent {
  event: string;
  data: unknown;
}

/** Open once the server has subscribed it (its first heartbeat has come). */
export interface EventStream {
  /** Every event after the first heartbeat, in order; ends when the server closes the stream. */
  events: AsyncGenerator<StreamEvent>;
  close(): void;
}

export class DaemonClient {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  /** A JSON request; an error answer becomes a ConductorError with the daemon's message (exit 1). */
  async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw this.unreachable(error);
    }
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON: said below with the status
    }
    if (!response.ok) {
      const message = (parsed as { error?: { message?: string } } | null)?.error?.message ?? text.slice(0, 200);
      throw new ConductorError('USAGE', `the daemon refused (${response.status}): ${message}`);
    }
    return parsed as T;
  }

  /** Opens the live event stream; resolves once the daemon has subscribed it (nothing after is missed). */
  async events(): Promise<EventStream> {
    const abort = new AbortController();
    let response: Response;
    try {
      response = await fetch(`${this.url}/api/v1/events`, { headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream' }, signal: abort.signal });
    } catch (error) {
      throw this.unreachable(error);
    }
    if (!response.ok || !response.body) {
      const text = await response.text().catch(() => '');
      const message = (safeJson(text) as { error?: { message?: string } } | null)?.error?.message ?? text.slice(0, 200);
      throw new ConductorError('USAGE', `the daemon refused its event stream (${response.status}): ${message}`);
    }
    const all = readEvents(response.body, abort.signal);
    const first = await all.next();
    if (first.done) throw new ConductorError('USAGE', `the daemon at ${this.url} closed its event stream at once`);
    return { events: all, close: () => abort.abort() };
  }

  private unreachable(error: unknown): ConductorError {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return new ConductorError('USAGE', `cannot reach the daemon at ${this.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
}

/** Splits an SSE byte stream into events (`event:` and `data:` lines, a blank line ends one). */
async function* readEvents(body: ReadableStream<Uint8Array>, signal: AbortSignal): AsyncGenerator<StreamEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (signal.aborted) return;
        throw error;
      }
      if (chunk.done) return;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
        }
        if (data.length > 0) yield { event, data: safeJson(data.join('\n')) };
      }
    }
  } finally {
    reader.releaseLock();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
