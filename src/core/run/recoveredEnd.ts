// When an attempt a dead conductor left `running` ended, as recorded by whoever finds it. Its
// processes died with their conductor (the spawn helper stops them), so "now" would charge the
// attempt (and its task's budget) with all the time the conductor was down. The end recorded is
// the latest sign of life found (the dead conductor's heartbeat, the attempt's last output), never
// earlier than the attempt's start nor later than now; an attempt whose processes were found
// alive and stopped only now really ran until now.

export interface EndEvidence {
  startedAt: number;
  now: number;
  /** The recovery found something of the attempt still running and stopped it. */
  stoppedNow: boolean;
  /** Instants the attempt or its conductor was seen alive (ms); null: no such sign. */
  signs: readonly (number | null)[];
}

export function recoveredEnd(evidence: EndEvidence): number {
  const { startedAt, now, stoppedNow, signs } = evidence;
  if (stoppedNow) return Math.max(startedAt, now);
  let end = startedAt;
  // A sign later than now (the clock was stepped back meanwhile) says alive up to now at most.
  for (const sign of signs) if (sign !== null && Number.isFinite(sign)) end = Math.max(end, Math.min(sign, now));
  return end;
}
