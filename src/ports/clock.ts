// Time as a collaborator: only the clock adapter reads the wall clock.
export interface Clock {
  /** Milliseconds since the epoch, from the wall clock. */
  now(): number;
  /** Milliseconds from a clock that never steps (monotonic); only differences mean anything. */
  monotonic(): number;
  /** Calls `fn` once when the wall clock reaches `at` (ms); returns a cancel function. */
  at(at: number, fn: () => void): () => void;
}
