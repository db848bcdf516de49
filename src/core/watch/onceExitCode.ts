// How `run --task` on a watch task (once-mode, seed 003) exits: 3 when a signal stopped it, 8 when
// a file failed for real or the files could not all be handled within --watch-timeout (the rest
// stay in place, UNSPECIFIED: a cron wrapper must not take a half-drained folder for success),
// else 0 (every file succeeded, or there were none). An unreadable folder is 1, found before.

export interface OnceTally {
  failed: number;
  /** Files listed at the start that were not handled (timeout or signal). */
  leftOver: number;
  signalled: boolean;
}

export function onceExitCode(tally: OnceTally): 0 | 3 | 8 {
  if (tally.signalled) return 3;
  if (tally.failed > 0 || tally.leftOver > 0) return 8;
  return 0;
}
