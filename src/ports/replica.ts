// A home's side of a cluster's shared history (settings.ha): the changes of its own rows waiting
// to be published, the entries of other nodes applied to it, and what a new leader settles about
// the runs of the node before it. Implemented over the home's SQLite history.
import type { HistoryEntry } from '../core/ha/historyEntry.js';
import type { RunStatus } from '../core/types.js';

/** An attempt of another node that ended, as applied here (its task's health file follows it). */
export interface AppliedEnd {
  task: string;
  status: RunStatus;
  finished_at: number;
  exit_code: number | null;
}

export interface ReplicaStore {
  /** Whether changes of this home's own rows are noted for publishing (by whoever writes them). */
  setPublishing(on: boolean): void;
  /** Up to `limit` runs changed since they were last published, as entries of `node`; null: nothing to publish. */
  changes(node: string, limit: number): { upTo: number; entries: HistoryEntry[] } | null;
  /** Everything noted up to `upTo` is in the stream. */
  published(upTo: number): void;
  /** The last stream entry applied here, or null (read the stream from its start). */
  position(): string | null;
  /**
   * Applies stream entries in stream order, in one transaction: entries at or before the
   * position and this node's own are passed over; unreadable ones (null) only move the position.
   */
  apply(self: string, entries: readonly { id: string; entry: HistoryEntry | null }[]): AppliedEnd[];
  /**
   * A new leader settles the open runs of other nodes: running ones end `interrupted`, never
   * started ones (queued, waiting) `skipped`, with the reasons given per node; runs awaiting
   * approval, and a daemon's runs waiting to retry with their due time, are left to be taken over. Runs of nodes still `alive` (a leader that stepped down
   * and drains) are left to their own word. Each is noted for publishing as `inferred`. Returns how many runs.
   */
  settleForeignRuns(at: number, reasons: (node: string) => { interrupted: string; skipped: string }, alive: ReadonlySet<string>): number;
  /** Runs of other nodes awaiting an operator's decision. */
  foreignAwaiting(): string[];
  /** Runs of other nodes' daemons waiting to retry, left with their due time for whoever leads next. */
  foreignRetries(): string[];
  /** These runs (and their attempt rows) are now this home's own; their next change is published as such. */
  adopt(runIds: readonly string[]): void;
  /** What `status` says of this daemon. */
  setRole(role: 'leader' | 'standby', leader: string | null): void;
  /** What `status` says of this daemon's link to the cluster's Redis: why it is down, or null when up. */
  setClusterTrouble(reason: string | null): void;
  close(): void;
}
