// A task's schedule as the engine asks it questions: pure answers about fires, time
// always an argument (ms since the epoch).

export interface Schedule {
  /** As written in the config. */
  readonly expression: string;
  /** The IANA zone the expression is read in. */
  readonly timezone: string;
  /** First fire strictly after `afterMs`, or null if it never fires again. */
  next(afterMs: number): number | null;
  /** Latest fire at or before `atOrBeforeMs`, or null if it never fired. */
  prev(atOrBeforeMs: number): number | null;
}
