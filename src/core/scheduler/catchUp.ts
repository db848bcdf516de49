// At start-up: did a task miss a fire while the daemon was down? (systemd Persistent=true)
import type { Schedule } from '../schedule/cron.js';

export type StartDecision = { kind: 'catch_up'; fireAt: number; cursor: number } | { kind: 'resume'; cursor: number };

/**
 * `watermark` is the last fire dealt with by an earlier daemon (null: none ever). A task with
 * catch_up runs once for the latest missed fire; every other task resumes from `now`.
 */
export function startDecision(schedule: Schedule, watermark: number | null, catchUp: boolean, now: number): StartDecision {
  if (watermark === null || !catchUp) return { kind: 'resume', cursor: Math.max(watermark ?? now, now) };
  const missed = schedule.next(watermark);
  if (missed === null || missed > now) return { kind: 'resume', cursor: Math.max(watermark, now) };
  const latest = schedule.prev(now) ?? missed;
  return { kind: 'catch_up', fireAt: latest, cursor: now };
}
