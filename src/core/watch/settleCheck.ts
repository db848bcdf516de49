// When a file in a watched folder is ready: its size and mtime stayed the same for `settle_ms`.
// An mtime is itself the instant the content last changed (every write moves it), so a file seen
// for the first time with an mtime older than settle_ms is ready at once (files already there at
// start, files renamed in whole), and a fresh one is ready settle_ms after its mtime if nothing
// changed meanwhile. An mtime in the future (another machine's clock) counts from now.

/** A file's identity in a watched folder: with its name, it is what "the same file" means. */
export interface FileIdentity {
  size: number;
  /** Modification time in nanoseconds since the epoch. */
  mtimeNs: bigint;
  /**
   * `dev:ino`, where the file system says: which file is under the name (a file renamed over it
   * is another one; one written in place is the same). Not part of `sameIdentity`.
   */
  inode?: string;
}

/** What was last seen of a file, and since when it has not changed. */
export interface Observed extends FileIdentity {
  stableSince: number;
}

export type Settle = { kind: 'ready'; observed: Observed } | { kind: 'wait'; until: number; observed: Observed };

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs;
}

/** Is the file (as stat says now) ready, given what was observed before (null: first sight)? */
export function settleCheck(previous: Observed | null, current: FileIdentity, now: number, settleMs: number): Settle {
  const observed: Observed =
    previous && sameIdentity(previous, current)
      ? previous
      : { ...current, stableSince: Math.min(now, Number(current.mtimeNs / 1_000_000n)) };
  const until = observed.stableSince + settleMs;
  return now >= until ? { kind: 'ready', observed } : { kind: 'wait', until, observed };
}
