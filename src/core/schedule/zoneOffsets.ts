// A zone's UTC offset at an instant, whether it changes within a span, and whether an
// instant's wall time is a repeat (the second pass of a fall-back), from a table
// built lazily per zone and per week. Intl answers each question too, but costs a few
// microseconds a call; next() asks for every task on every tick, and formatInZone for
// every line of `history`. A week's table costs ~30 Intl calls once.
//
// Offsets are sampled every 6 hours and each change is bisected to the second: a zone
// that changes and changes back within 6 hours would be missed (no zone in tzdb does).

const SECOND_MS = 1000;
const STEP_MS = 6 * 3600 * SECOND_MS;
const WEEK_MS = 7 * 24 * 3600 * SECOND_MS;
const WEEKS_KEPT_PER_ZONE = 4096;
/** Longer than any clock change in tzdb (Kwajalein went back 23 hours in 1969). */
const LONGEST_CHANGE_MS = 26 * 3600 * SECOND_MS;

interface Transition {
  /** The first instant (whole second) with the new offset. */
  readonly at: number;
  readonly before: number;
  readonly offset: number;
}
interface Week {
  readonly startOffset: number;
  readonly transitions: readonly Transition[];
}

const weeksByZone = new Map<string, Map<number, Week>>();
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The offset of `zone` from UTC at instant `ms`, in ms (local wall time = ms + offset). */
export function zoneOffsetMs(zone: string, ms: number): number {
  const week = weekOf(zone, Math.floor(ms / WEEK_MS));
  let offset = week.startOffset;
  for (const transition of week.transitions) if (transition.at <= ms) offset = transition.offset;
  return offset;
}

/** True when the offset of `zone` changes at some instant in (fromMs, toMs]. */
export function hasZoneTransition(zone: string, fromMs: number, toMs: number): boolean {
  for (let index = Math.floor(fromMs / WEEK_MS); index <= Math.floor(toMs / WEEK_MS); index++) {
    for (const { at } of weekOf(zone, index).transitions) if (at > fromMs && at <= toMs) return true;
  }
  return false;
}

/**
 * True when the wall time at `ms` already happened once: `ms` is in the second pass of a
 * fall-back, less than (offset before - offset after) past it. A fixed-time task that ran
 * in the first pass must not run again there.
 */
export function isRepeatedWallTime(zone: string, ms: number): boolean {
  for (let index = Math.floor((ms - LONGEST_CHANGE_MS) / WEEK_MS); index <= Math.floor(ms / WEEK_MS); index++) {
    for (const { at, before, offset } of weekOf(zone, index).transitions) {
      if (at <= ms && offset < before && ms < at + (before - offset)) return true;
    }
  }
  return false;
}

function weekOf(zone: string, index: number): Week {
  let weeks = weeksByZone.get(zone);
  if (!weeks) {
    weeks = new Map();
    weeksByZone.set(zone, weeks);
  }
  let week = weeks.get(index);
  if (!week) {
    if (weeks.size >= WEEKS_KEPT_PER_ZONE) weeks.clear();
    week = measureWeek(zone, index * WEEK_MS);
    weeks.set(index, week);
  }
  return week;
}

/** Zones whose offset is 0 at every instant: answered without Intl (whose zone data costs ~15-40 ms to load). */
const ALWAYS_UTC = new Set(['UTC', 'Etc/UTC']);
const STEADY_UTC: Week = Object.freeze({ startOffset: 0, transitions: Object.freeze([]) as readonly Transition[] });

function measureWeek(zone: string, start: number): Week {
  if (ALWAYS_UTC.has(zone)) return STEADY_UTC;
  const startOffset = intlOffsetMs(zone, start);
  const transitions: Transition[] = [];
  let offset = startOffset;
  let from = start;
  for (let sample = start + STEP_MS; sample <= start + WEEK_MS; sample += STEP_MS) {
    const sampled = intlOffsetMs(zone, sample);
    // Bisect every change between the last known point and this sample (there may be two).
    while (sampled !== offset) {
      const at = firstChange(zone, from, sample, offset);
      const before = offset;
      offset = intlOffsetMs(zone, at);
      transitions.push({ at, before, offset });
      from = at;
    }
    from = sample;
  }
  return { startOffset, transitions };
}

/** The first whole second in (lo, hi] whose offset is not `offset`; lo has `offset`, hi not. */
function firstChange(zone: string, lo: number, hi: number, offset: number): number {
  while (hi - lo > SECOND_MS) {
    const mid = lo + Math.floor((hi - lo) / (2 * SECOND_MS)) * SECOND_MS;
    if (intlOffsetMs(zone, mid) === offset) lo = mid;
    else hi = mid;
  }
  return hi;
}

const GMT_OFFSET = /GMT(?:([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?)?\s*$/;

/** Ask Intl (ICU's copy of tzdb); throws RangeError for an unknown zone. */
function intlOffsetMs(zone: string, ms: number): number {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    formatters.set(zone, formatter);
  }
  const text = formatter.format(ms);
  const match = GMT_OFFSET.exec(text);
  if (!match) throw new RangeError(`cannot read the UTC offset of ${zone} from "${text}"`);
  const [, sign, hours = '0', minutes = '0', seconds = '0'] = match;
  const size = (Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds)) * SECOND_MS;
  return sign === '-' ? -size : size;
}
