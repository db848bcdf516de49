// The compact form of a fire that `simulate`'s two threads exchange (simulationThread.ts sends,
// simulationWriter.ts prints): eight numbers a fire in a transferred buffer, strings by index
// into tables sent once each, so neither thread builds a string per fire for the other.
import type { SimulatedOutcome } from '../../app/simulate/simulationLog.js';
import type { Trigger } from '../../core/types.js';

/** Numbers a fire: at, task, trigger, waits_on (-1: none), outcome, reason (-1: null), start, end (NaN: null). */
export const FIELDS = 8;
export const TRIGGERS: readonly Trigger[] = ['schedule', 'dependency', 'catch_up', 'manual', 'once', 'watch', 'webhook', 'api'];
export const OUTCOMES: readonly SimulatedOutcome[] = ['run', 'skipped', 'timeout', 'cancelled', 'interrupted', 'failed', 'pending'];

/** Shared Int32 slots: batches the writer has printed, and whether it failed (0, or a flag below). */
export const STATE = { consumed: 0, failed: 1 } as const;
/** The reader went away (EPIPE): the simulation stops at once. */
export const CLOSED = 1;
/** Any other failure: the simulation stops sending; the command reports it at the end. */
export const FAILED = 2;

export interface WriterData {
  kind: 'json' | 'text';
  /** What the printers read of the config: task names and zones, the settings zone. */
  config: { tasks: { name: string; timezone?: string | null }[]; settings: { timezone?: string | null } };
  window: { from: number; until: number };
  state: SharedArrayBuffer;
}

export type WriterMessage =
  | { kind: 'batch'; records: ArrayBuffer; count: number; tasks: string[]; reasons: string[]; waits: string[][] }
  | { kind: 'end' }
  | { kind: 'done' }
  | { kind: 'write-error'; code: string; message: string }
  | { kind: 'error'; message: string };
