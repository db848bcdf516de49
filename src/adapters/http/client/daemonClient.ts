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

/** How long a request, or the event stream's first heartbeat, may take before the daemon counts as not answering (stopped with SIGSTOP, hung). */
export const ANSWER_TIMEOUT_MS = 30_000;
/** Silence on an open event stream after which the daemon counts as lost: four of its 15 s heartbeats missed. */
export const STREAM_SILENCE_MS = 60_000;

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
        signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
      });
    } catch (error) {
      throw this.unreachable(error);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw this.unreachable(error);
    }
    let parsed: unknown = null;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON: said below with the status
    }
    if (!response.ok) {
      const error = (parsed as { error?: { message?: string; code?: string } } | null)?.error;
      throw new DaemonRefused(response.status, error?.code ?? null, error?.message ?? text.slice(0, 200));
    }
    return parsed as T;
  }

  /** Opens the live event stream; resolves once the daemon has subscribed it (nothing after is missed). */
  async events(): Promise<EventStream> {
    const abort = new AbortController();
    // A daemon that stops answering (SIGSTOP, hung) is told apart from one that is merely quiet by
    // its heartbeats: the first must come within ANSWER_TIMEOUT_MS, then something every
    // STREAM_SILENCE_MS. Silence aborts the stream with an error; close() ends it quietly.
    const silence = new Silence(abort, ANSWER_TIMEOUT_MS);
    let response: Response;
    try {
      response = await fetch(`${this.url}/api/v1/events`, { headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream' }, signal: abort.signal });
    } catch (error) {
      silence.stop();
      throw this.unreachable(error, silence.timedOut);
    }
    if (!response.ok || !response.body) {
      silence.stop();
      const text = await response.text().catch(() => '');
      const message = (safeJson(text) as { error?: { message?: string } } | null)?.error?.message ?? text.slice(0, 200);
      throw new ConductorError('USAGE', `the daemon refused its event stream (${response.status}): ${message}`);
    }
    const all = readEvents(response.body, abort.signal, silence);
    let first: IteratorResult<StreamEvent>;
    try {
      first = await all.next();
    } catch (error) {
      throw this.unreachable(error, silence.timedOut);
    }
    if (first.done) throw new ConductorError('USAGE', `the daemon at ${this.url} closed its event stream at once`);
    silence.limit = STREAM_SILENCE_MS;
    return {
      events: all,
      close: () => {
        silence.stop();
        abort.abort();
      },
    };
  }

  private unreachable(error: unknown, timedOut = (error as Error).name === 'TimeoutError'): ConductorError {
    if (timedOut) {
      return new ConductorError(
        'USAGE',
        `the daemon at ${this.url} did not answer within ${ANSWER_TIMEOUT_MS / 1000} s: it is stopped (SIGSTOP), hung or overloaded; see \`status\` for its pid`,
      );
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return new ConductorError('USAGE', `cannot reach the daemon at ${this.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
}

/** A watchdog on a stream: aborts it when nothing came for `limit` ms since the last touch. */
class Silence {
  timedOut = false;
  private timer: NodeJS.Timeout;

  constructor(
    private readonly abort: AbortController,
    public limit: number,
  ) {
    this.timer = this.arm();
  }

  touch(): void {
    clearTimeout(this.timer);
    this.timer = this.arm();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private arm(): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timedOut = true;
      this.abort.abort();
    }, this.limit);
    timer.unref();
    return timer;
  }
}

/** Splits an SSE byte stream into events (`event:` and `data:` lines, a blank line ends one). */
async function* readEvents(body: ReadableStream<Uint8Array>, signal: AbortSignal, silence: Silence): AsyncGenerator<StreamEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (silence.timedOut) throw new Error(`no event or heartbeat from the daemon for ${silence.limit / 1000} s: it is stopped (SIGSTOP) or hung`);
        if (signal.aborted) return;
        throw error;
      }
      if (chunk.done) {
        silence.stop();
        return;
      }
      silence.touch();
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

/** The daemon answered a request with an error: its HTTP status and the API's error code. */
export class DaemonRefused extends ConductorError {
  constructor(
    readonly status: number,
    /** The API's `error.code` (`standby`, `not_found`, ...), or null. */
    readonly apiCode: string | null,
    message: string,
  ) {
    super('USAGE', `the daemon refused (${status}): ${message}`);
  }
}
