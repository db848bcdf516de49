// Test helper: the fires of an expression between two instants, as the operator reads them.
import { compileSchedule, formatInZone, parseInstant } from '../../../src/core/schedule/cron.js';

/** Every fire in (from, to], formatted in `zone`; `from`/`to` are ISO 8601 (wall time in `zone` without offset). */
export function firesBetween(expression: string, zone: string, from: string, to: string): string[] {
  const schedule = compileSchedule(expression, zone);
  const end = at(to, zone);
  const fires: string[] = [];
  for (let fire = schedule.next(at(from, zone)); fire !== null && fire <= end; fire = schedule.next(fire)) {
    fires.push(formatInZone(fire, zone));
    if (fires.length > 10_000) throw new Error('too many fires');
  }
  return fires;
}

/** Every fire on the local calendar day `day` (YYYY-MM-DD) in `zone`, however long that day is. */
export function firesOnDay(expression: string, zone: string, day: string): string[] {
  const following = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const schedule = compileSchedule(expression, zone);
  const end = at(`${following}T00:00:00`, zone);
  const fires: string[] = [];
  for (let fire = schedule.next(at(`${day}T00:00:00`, zone) - 1); fire !== null && fire < end; fire = schedule.next(fire)) {
    fires.push(formatInZone(fire, zone));
  }
  return fires;
}

/** The first `count` fires after `from`, formatted in `zone`. */
export function nextFires(expression: string, zone: string, from: string, count: number): string[] {
  const schedule = compileSchedule(expression, zone);
  const fires: string[] = [];
  for (let fire = schedule.next(at(from, zone)); fire !== null && fires.length < count; fire = schedule.next(fire)) {
    fires.push(formatInZone(fire, zone));
  }
  return fires;
}

/** The instant an ISO 8601 text names (wall time in `zone` when it has no offset); throws when unparseable. */
export function at(text: string, zone = 'UTC'): number {
  const ms = parseInstant(text, zone);
  if (ms === null) throw new Error(`test instant "${text}" does not parse`);
  return ms;
}

/** A small deterministic PRNG (mulberry32), so property tests are repeatable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
