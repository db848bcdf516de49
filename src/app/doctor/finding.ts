// One line of `doctor`: what was checked, how it stands, and what to do about it.

/** `fail` is a problem (doctor exits 8); `warn` is worth knowing; `skip`: not checkable here. */
export type FindingStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface Finding {
  check: string;
  status: FindingStatus;
  message: string;
  /** What to do, when there is something to do. */
  fix: string | null;
}

export function finding(check: string, status: FindingStatus, message: string, fix: string | null = null): Finding {
  return { check, status, message, fix };
}
