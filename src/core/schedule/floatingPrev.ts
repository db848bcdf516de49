// The latest fire at or before a wall time on the zoneless clock, found by jumping field by
// field backwards (month, day, hour, minute, second): what croner's previousRuns answers
// with utcOffset 0 (asked from the next millisecond), without its walk. It keeps croner's
// horizon: nothing more than 400 years back, nothing before year 1.
import { allowsDay, type CronMatcher } from './cronMatcher.js';
import { civilFields, daysFromCivil, daysInMonth, weekdayOf } from './utcCalendar.js';

const HORIZON_YEARS = 400;
const FIRST_YEAR = 1;

/** Latest fire of `matcher` at or before wall time `wallMs` (wall time read as UTC), or null. */
export function floatingPrev(matcher: CronMatcher, wallMs: number): number | null {
  const { seconds, minutes, hours, months } = matcher.down;
  const start = Math.floor(Math.trunc(wallMs) / 1000);
  let { year, month, day, hour, minute, second } = civilFields(start);
  const firstYear = Math.max(year - HORIZON_YEARS, FIRST_YEAR);

  for (;;) {
    if (year < firstYear) return null;
    const prevMonth = months[month] ?? -1;
    if (prevMonth < 0) {
      year--;
      month = 12;
      day = 31;
      hour = 23;
      minute = second = 59;
      continue;
    }
    if (prevMonth !== month) {
      month = prevMonth;
      day = 31;
      hour = 23;
      minute = second = 59;
    }
    const prevDay = prevMatchingDay(matcher, year, month, day);
    if (prevDay < 0) {
      month--; // month 0 has no previous month: the year moves back
      day = 31;
      hour = 23;
      minute = second = 59;
      continue;
    }
    if (prevDay !== day) {
      day = prevDay;
      hour = 23;
      minute = second = 59;
    }
    const prevHour = hours[hour] ?? -1;
    if (prevHour < 0) {
      day--; // day 0 matches nothing: the month moves back
      hour = 23;
      minute = second = 59;
      continue;
    }
    if (prevHour !== hour) {
      hour = prevHour;
      minute = second = 59;
    }
    const prevMinute = minutes[minute] ?? -1;
    if (prevMinute < 0) {
      hour--;
      minute = second = 59;
      continue;
    }
    if (prevMinute !== minute) {
      minute = prevMinute;
      second = 59;
    }
    const prevSecond = seconds[second] ?? -1;
    if (prevSecond < 0) {
      minute--;
      second = 59;
      continue;
    }
    return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + prevSecond * 1000;
  }
}

/** The last day <= `day` (clamped to the month's length) that the pattern allows, or -1. */
function prevMatchingDay(matcher: CronMatcher, year: number, month: number, day: number): number {
  const from = Math.min(day, daysInMonth(year, month));
  if (from < 1) return -1;
  let weekday = weekdayOf(year, month, from);
  for (let candidate = from; candidate >= 1; candidate--) {
    if (allowsDay(matcher, candidate, weekday)) return candidate;
    weekday = weekday === 0 ? 6 : weekday - 1;
  }
  return -1;
}
