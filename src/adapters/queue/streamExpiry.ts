// When a worker's end entry also sets its stream to expire. The end entries set the stream's
// two-day expiry so that a stream nobody reads any more goes away by itself; a scheduler's reply
// stream takes the end of every attempt it hands out, and an EXPIRE with each one was a command
// a job for the worker and for Redis. Once a stream every 10 s keeps the bound (the stream
// expires about two days after its last end). Forgotten when the connection drops (a Redis that
// restarted lost its streams and their expiries) and when the write that carried it failed.
const EVERY_MS = 10_000;
const PRUNE_AT = 1000;

export class StreamExpiry {
  private readonly sent = new Map<string, number>();

  /** True when this end entry should carry the stream's EXPIRE (then counted as sent at `now`). */
  due(stream: string, now: number): boolean {
    const at = this.sent.get(stream);
    if (at !== undefined && now - at < EVERY_MS) return false;
    if (this.sent.size >= PRUNE_AT) for (const [key, when] of this.sent) if (now - when >= EVERY_MS) this.sent.delete(key);
    this.sent.set(stream, now);
    return true;
  }

  /** The EXPIRE for `stream` may not have reached Redis: the next end entry sends it again. */
  forget(stream: string): void {
    this.sent.delete(stream);
  }

  clear(): void {
    this.sent.clear();
  }
}
