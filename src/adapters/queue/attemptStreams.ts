// The scheduler's reader of the attempt streams: one blocking connection reads every followed
// attempt's stream with one XREAD, in order, and hands each entry to its attempt. A new attempt
// wakes the reader through a small stream of its own, so its first entry is not held up by a
// blocked read of the others. An attempt's stream is deleted once its end has been read.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { decodeEntry, type AttemptEntry } from './messages.js';

/** Handles an entry; returns true when it was the attempt's last (its end). */
export type EntryHandler = (entry: AttemptEntry) => boolean;

interface Followed {
  lastId: string;
  handler: EntryHandler;
}

type XReadReply = Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;

const BLOCK_MS = 5000;
const COUNT = 512;

export class AttemptStreams {
  private readonly followed = new Map<string, Followed>();
  private readonly wakeKey: string;
  /** The last wake entry read: a wake added at any time after it is seen, even one that beat the read to Redis. */
  private wakeId = '0';
  private closed = false;
  private blocked = false;
  private readonly loop: Promise<void>;

  /** `reader` is a connection of its own (it blocks); `commands` is shared. */
  constructor(
    private readonly reader: Redis,
    private readonly commands: Redis,
    prefix: string,
    private readonly onError: (error: Error) => void,
  ) {
    this.wakeKey = `${prefix}:wake:${randomUUID()}`;
    this.loop = this.run();
  }

  /** Starts handing the entries of `key` to `handler`, from its first one. */
  follow(key: string, handler: EntryHandler): void {
    this.followed.set(key, { lastId: '0', handler });
    if (this.blocked) {
      void this.commands
        .multi()
        .xadd(this.wakeKey, 'MAXLEN', '1', '*', 'w', '1')
        .expire(this.wakeKey, 24 * 3600)
        .exec()
        .catch(this.onError);
    }
  }

  /** Stops following `key` (its attempt ended another way); the stream is deleted. */
  unfollow(key: string): void {
    if (this.followed.delete(key)) void this.commands.del(key).catch(this.onError);
  }

  /** Reads and hands over, at once, whatever `key` holds beyond what was read (before it is given up). */
  async drain(key: string): Promise<void> {
    const followed = this.followed.get(key);
    if (!followed) return;
    const entries = (await this.commands.xrangeBuffer(key, `(${followed.lastId}`, '+')) as unknown as Array<[Buffer, Buffer[]]>;
    this.deliver(key, entries);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reader.disconnect();
    // A read waiting for an absent Redis may never settle: the loop is not waited for long.
    await Promise.race([this.loop.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
    // While Redis is away a DEL would wait for it; the wake stream then expires by itself.
    if (this.commands.status === 'ready') await this.commands.del(this.wakeKey).catch(() => {});
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      const keys = [this.wakeKey, ...this.followed.keys()];
      const ids = [this.wakeId, ...keys.slice(1).map((key) => (this.followed.get(key) as Followed).lastId)];
      let reply: XReadReply;
      try {
        this.blocked = true;
        reply = (await this.reader.xreadBuffer('COUNT', COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', ...keys, ...ids)) as unknown as XReadReply;
      } catch (error) {
        if (this.closed) return;
        this.onError(error as Error);
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      } finally {
        this.blocked = false;
      }
      for (const [keyBuffer, entries] of reply ?? []) {
        const key = keyBuffer.toString();
        if (key === this.wakeKey) this.wakeId = (entries[entries.length - 1]?.[0] ?? this.wakeId).toString();
        else this.deliver(key, entries);
      }
    }
  }

  private deliver(key: string, entries: Array<[Buffer, Buffer[]]>): void {
    for (const [id, fields] of entries) {
      const followed = this.followed.get(key);
      if (!followed) return;
      followed.lastId = id.toString();
      const entry = decodeEntry(fields);
      if (entry && followed.handler(entry)) {
        this.unfollow(key);
        return;
      }
    }
  }
}
