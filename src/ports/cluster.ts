// What the nodes of a standby cluster (settings.ha) share, behind one port: the lease with its
// fencing, the claims of fires and of runs taken over, the shared watermarks, the node registry
// and the history stream. Implemented over Redis (src/adapters/ha/redisCluster.ts).
import type { HistoryEntry } from '../core/ha/historyEntry.js';

export type AcquireAnswer = { kind: 'acquired'; lease: string } | { kind: 'held'; holder: string };
export type RenewAnswer = { kind: 'renewed' } | { kind: 'lost'; holder: string | null };

export interface FireClaim {
  task: string;
  fireAt: number;
}

/** A node as the registry knows it. */
export interface NodeInfo {
  node: string;
  role: 'leader' | 'standby';
  host: string;
  home: string;
  pid: number;
  /** Tells two machines that claim the same node name apart. */
  machine: string;
  since: number;
  seen: number;
  version: string;
  /** Its HTTP API (settings.http), or null. */
  url: string | null;
}

export interface ClusterStore {
  /** Takes the lease if free (or already this node's), else names its holder. */
  acquire(node: string, leaseMs: number): Promise<AcquireAnswer>;
  /** Extends the lease if it still holds exactly `lease`. */
  renew(lease: string, leaseMs: number): Promise<RenewAnswer>;
  /** Gives the lease back if it still holds `lease`. */
  release(lease: string): Promise<void>;
  /**
   * Claims each fire once for the cluster, in order: true when this lease may run it (claimed
   * now, or by this lease before), false when it was claimed already or is at or before the
   * task's shared watermark. Null when the lease is no longer `lease` (fenced): nothing claimed.
   */
  claimFires(lease: string, fires: readonly FireClaim[]): Promise<boolean[] | null>;
  /**
   * Takes runs over for `node`, whoever had them: only the lease's holder asks, after its history
   * caught up with the stream, so a run it still sees awaiting approval is one no other node
   * decided (a node that adopted it and then stopped would otherwise hold it for good). False
   * when the lease is no longer `lease` (fenced): nothing taken.
   */
  adoptRuns(lease: string, node: string, runIds: readonly string[]): Promise<boolean>;
  /** The shared watermarks: per task, the last fire claimed in the cluster. */
  watermarks(): Promise<Map<string, number>>;
  /** Raises shared watermarks to these (never lowers one); false when fenced. */
  raiseWatermarks(lease: string, marks: ReadonlyMap<string, number>): Promise<boolean>;
  /** The cluster's paused tasks, as its leader last wrote them; null when never written (or Redis lost them). */
  pauses(): Promise<Map<string, { at: number; actor: string }> | null>;
  /** The leader's paused tasks become the cluster's; false when fenced. */
  setPauses(lease: string, pauses: ReadonlyMap<string, { at: number; actor: string }>): Promise<boolean>;
  /** Appends entries to the history stream, dropping entries older than `keepSince` (ms), or none when null. */
  publish(entries: readonly HistoryEntry[], keepSince: number | null): Promise<void>;
  /** Entries after `after` (null: from the start), waiting up to `blockMs` for one; null entry: not readable. */
  read(after: string | null, count: number, blockMs: number): Promise<{ id: string; entry: HistoryEntry | null }[]>;
  /** The id of the oldest entry the stream still holds, or null when it is empty. */
  oldest(): Promise<string | null>;
  /** Says the node is there (its entry, and a mark Redis forgets after `aliveMs` without a new beat). */
  beat(info: NodeInfo, aliveMs: number): Promise<void>;
  /** Every node of the registry, and whether its mark is still there (by Redis's clock). */
  nodes(): Promise<(NodeInfo & { alive: boolean })[]>;
  /** Drops a node's entry and mark if they are still this machine's. */
  forget(node: string, machine: string): Promise<void>;
  /** Whether the connection for commands is up now, and the last error it failed with (no I/O). */
  connection(): { up: boolean; error: string | null };
  close(): Promise<void>;
}
