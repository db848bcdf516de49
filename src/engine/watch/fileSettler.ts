// Turns names a folder mentions into ready files: each matching name is looked at (stat), and
// is ready once its size and mtime have stayed the same for settle_ms (core/watch/settleCheck);
// a file still being written is looked at again when it could be ready, on one timer for all.
// Names the task already knows with the same identity are passed over without a second look.
import { decodeSurrogateEscape } from '../../core/bytes/decodeSurrogateEscape.js';
import { pathIn } from '../../core/watch/fileNames.js';
import { settleCheck, type FileIdentity, type Observed } from '../../core/watch/settleCheck.js';
import type { Clock } from '../../ports/clock.js';
import type { WatchFileKey } from '../../ports/watchFileStore.js';
import type { WatchFolder } from '../../ports/watchFolder.js';
import { DueQueue } from './dueQueue.js';

export interface SettlerOptions {
  dir: string;
  settleMs: number;
  clock: Clock;
  folder: WatchFolder;
  /** The task's pattern (on the surrogateescaped name). */
  matches(name: string): boolean;
  /** True when the task already has this file (same name, size and mtime), or a run of it runs this inode. */
  known(key: WatchFileKey & { inode?: string }): boolean;
  /** Files that became ready, in one batch per look. */
  ready(files: WatchFileKey[]): void;
  /** A name the settler was told about is not a file (any more). */
  vanished(name: Buffer): void;
}

interface Candidate {
  name: Buffer;
  observed: Observed;
  due: number;
}

/** A name as a map key: latin1 maps every byte to one character, so it is exact and cheap. */
export const keyOf = (name: Buffer) => name.toString('latin1');

export class FileSettler {
  private readonly candidates = new Map<string, Candidate>();
  private readonly due = new DueQueue<string>();
  private cancelTimer: (() => void) | null = null;
  private timerAt = Infinity;
  private closed = false;

  constructor(private readonly options: SettlerOptions) {}

  /** Files not yet ready. */
  get waiting(): number {
    return this.candidates.size;
  }

  /** Looks at these names now (events, a listing, a replaced file). */
  look(names: readonly Buffer[]): void {
    if (this.closed) return;
    const now = this.options.clock.now();
    const ready: WatchFileKey[] = [];
    for (const name of names) if (this.options.matches(decodeSurrogateEscape(name))) this.lookAt(name, now, ready);
    if (ready.length > 0) this.options.ready(ready);
    this.arm();
  }

  /** Is this name among the files still settling? */
  has(name: Buffer): boolean {
    return this.candidates.has(keyOf(name));
  }

  close(): void {
    this.closed = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.candidates.clear();
    this.due.clear();
  }

  private lookAt(name: Buffer, now: number, ready: WatchFileKey[]): void {
    const key = keyOf(name);
    const identity: FileIdentity | null = this.options.folder.stat(pathIn(this.options.dir, name));
    const candidate = this.candidates.get(key);
    if (!identity) {
      this.candidates.delete(key);
      this.options.vanished(name);
      return;
    }
    if (this.options.known({ name, ...identity })) {
      this.candidates.delete(key);
      return;
    }
    const settle = settleCheck(candidate?.observed ?? null, identity, now, this.options.settleMs);
    if (settle.kind === 'ready') {
      this.candidates.delete(key);
      ready.push({ name, size: identity.size, mtimeNs: identity.mtimeNs });
      return;
    }
    if (candidate && candidate.due === settle.until) return; // already due then
    this.candidates.set(key, { name, observed: settle.observed, due: settle.until });
    this.due.push(settle.until, key);
  }

  private arm(): void {
    const next = this.due.peek();
    if (next === null || next >= this.timerAt) return;
    this.cancelTimer?.();
    this.timerAt = next;
    this.cancelTimer = this.options.clock.at(next, () => this.wake());
  }

  private wake(): void {
    this.cancelTimer = null;
    this.timerAt = Infinity;
    if (this.closed) return;
    const now = this.options.clock.now();
    const ready: WatchFileKey[] = [];
    for (const key of this.due.popDue(now)) {
      const candidate = this.candidates.get(key);
      if (candidate && candidate.due <= now) this.lookAt(candidate.name, now, ready);
    }
    if (ready.length > 0) this.options.ready(ready);
    this.arm();
  }
}
