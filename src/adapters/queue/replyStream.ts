// The scheduler's reader of what workers send back. Each job names this scheduler's reply stream;
// its worker writes the attempt's start, output and end there, in order, each entry naming its
// job. One blocking XREAD of that one key hands every new entry to its attempt however many are
// out (a stream per attempt made every read name all of them: a cost growing with the attempts
// in flight, and a wake-up write per new attempt). Read entries are trimmed away; the stream
// expires two days after the scheduler last refreshed it (a dead scheduler's is read by the one
// that recovers its jobs).
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { decodeEntry, entryJob, type AttemptEntry } from './messages.js';
import { replyStreamKey } from './names.js';

/** Handles an entry; returns true when it was the attempt's last (its end). */
export type EntryHandler = (entry: AttemptEntry) => boolean;

type Entries = Array<[Buffer, Buffer[]]>;
type XReadReply = Array<[Buffer, Entries]> | null;

const BLOCK_MS = 5000;
const COUNT = 1000;
/** Read entries are trimmed once this many have gathered, or this long after the last trim (a DAG reads one or two at a time). */
const TRIM_EVERY = 500;
const TRIM_MS = 1000;
export const REPLY_TTL_S = 2 * 24 * 3600;

/** Stream ids compared in order (`ms-seq`). */
export function idAfter(a: string, b: string): boolean {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  return am.length !== bm.length ? am.length > bm.length : am !== bm ? am > bm : Number(as) > Number(bs);
}

/** The smallest id after `id`: XTRIM MINID of it drops `id` and everything before. */
function nextId(id: string): string {
  const [ms = '0', seq = '0'] = id.split('-');
  return `${ms}-${Number(seq) + 1}`;
}

export class ReplyStream {
  readonly key: string;
  private readonly followed = new Map<string, EntryHandler>();
  /** The last entry handed over (from the blocking read or a drain, whichever came first). */
  private lastId = '0';
  private trimmedTo = '0';
  private trimming = false;
  private untrimmed = 0;
  private trimmedAt = Date.now();
  private closed = false;
  private readonly loop: Promise<void>;

  /** `reader` is a connection of its own (it blocks); `commands` is shared. */
  constructor(
    private readonly reader: Redis,
    private readonly commands: Redis,
    prefix: string,
    private readonly onError: (error: Error) => void,
    private readonly trimAt: { entries: number; ms: number } = { entries: TRIM_EVERY, ms: TRIM_MS },
  ) {
    this.key = replyStreamKey(prefix, randomUUID());
    this.loop = this.run();
  }

  /** Starts handing the entries about `jobId` to `handler` (before its job is added). */
  follow(jobId: string, handler: EntryHandler): void {
    this.followed.set(jobId, handler);
  }

  /** Stops following `jobId` (its attempt ended); entries about it still to come are dropped. */
  unfollow(jobId: string): void {
    this.followed.delete(jobId);
  }

  /** Sets the stream to expire two days from now (it may not exist yet: the workers' end entries set it too). */
  async refresh(): Promise<void> {
    await this.commands.expire(this.key, REPLY_TTL_S);
  }

  /** Reads and hands over, at once, whatever the stream holds beyond what was read (before an attempt is given up). */
  async drain(): Promise<void> {
    const entries = (await this.commands.xrangeBuffer(this.key, `(${this.lastId}`, '+')) as unknown as Entries;
    this.deliver(entries);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reader.disconnect();
    // A read waiting for an absent Redis may never settle: the loop is not waited for long.
    await Promise.race([this.loop.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
    // Attempts still out (a daemon stopping) leave the stream to whoever recovers them; while
    // Redis is away a DEL would wait for it. Either way the stream expires by itself.
    if (this.followed.size === 0 && this.commands.status === 'ready') await this.commands.del(this.key).catch(() => {});
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      let reply: XReadReply;
      try {
        reply = (await this.reader.xreadBuffer('COUNT', COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', this.key, this.lastId)) as unknown as XReadReply;
      } catch (error) {
        if (this.closed) return;
        this.onError(error as Error);
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      for (const [, entries] of reply ?? []) this.deliver(entries);
      this.trim();
    }
  }

  private deliver(entries: Entries): void {
    for (const [idBuffer, fields] of entries) {
      const id = idBuffer.toString();
      if (!idAfter(id, this.lastId)) continue; // already handed over by the other reader
      this.lastId = id;
      this.untrimmed++;
      const jobId = entryJob(fields);
      const handler = jobId === null ? undefined : this.followed.get(jobId);
      const entry = handler ? decodeEntry(fields) : null;
      if (handler && entry && handler(entry)) this.followed.delete(jobId as string);
    }
  }

  /**
   * Drops what was read, every TRIM_EVERY entries or TRIM_MS (an idle read returns after
   * BLOCK_MS, so the last entries go too); one trim in flight at a time.
   */
  private trim(): void {
    if (this.trimming || this.lastId === this.trimmedTo) return;
    const now = Date.now();
    if (this.untrimmed < this.trimAt.entries && now - this.trimmedAt < this.trimAt.ms) return;
    const upTo = this.lastId;
    this.untrimmed = 0;
    this.trimmedAt = now;
    this.trimming = true;
    void this.commands
      .xtrim(this.key, 'MINID', nextId(upTo))
      .then(() => (this.trimmedTo = upTo))
      .catch(this.onError)
      .finally(() => (this.trimming = false));
  }
}
