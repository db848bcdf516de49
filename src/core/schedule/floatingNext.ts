// The first fire strictly after a wall time on the zoneless clock, found by jumping field by
// field (month, day, hour, minute, second) on UTC calendar arithmetic: what croner's
// nextRun answers with utcOffset 0, without its walk (~170-560 us a call). It keeps croner's
// horizon too: no fire more than 400 years after the start, none in year 3000 or later.
import { allowsDay, type CronMatcher } from './cronMatcher.js';
import { civilFields, daysFromCivil, daysInMonth, weekdayOf } from './utcCalendar.js';

const HORIZON_YEARS = 400;
const LAST_YEAR = 2999;

/** First fire of `matcher` strictly after wall time `wallMs` (wall time read as UTC), or null. */
export function floatingNext(matcher: CronMatcher, wallMs: number): number | null {
  // croner drops the milliseconds (as Date does, toward zero) and starts at the next second.
  const start = Math.floor(Math.trunc(wallMs) / 1000) + 1;
  let { year, month, day, hour, minute, second } = civilFields(start);
  const lastYear = Math.min(year + HORIZON_YEARS, LAST_YEAR);

  for (;;) {
    if (year > lastYear) return null;
    const nextMonth = matcher.months[month] ?? -1;
    if (nextMonth < 0) {
      year++;
      month = 1;
      day = 1;
      hour = minute = second = 0;
      continue;
    }
    if (nextMonth !== month) {
      month = nextMonth;
      day = 1;
      hour = minute = second = 0;
    }
    const nextDay = nextMatchingDay(matcher, year, month, day);
    if (nextDay < 0) {
      month++;
      day = 1;
      hour = minute = second = 0;
      continue; // month 13 has no next month: the year moves on
    }
    if (nextDay !== day) {
      day = nextDay;
      hour = minute = second = 0;
    }
    const nextHour = matcher.hours[hour] ?? -1;
    if (nextHour < 0) {
      day++;
      hour = minute = second = 0;
      continue; // a day past the month's end matches nothing: the month moves on
    }
    if (nextHour !== hour) {
      hour = nextHour;
      minute = second = 0;
    }
    const nextMinute = matcher.minutes[minute] ?? -1;
    if (nextMinute < 0) {
      hour++;
      minute = second = 0;
      continue;
    }
    if (nextMinute !== minute) {
      minute = nextMinute;
      second = 0;
    }
    const nextSecond = matcher.seconds[second] ?? -1;
    if (nextSecond < 0) {
      minute++;
      second = 0;
      continue;
    }
    return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + nextSecond * 1000;
  }
}

/** The first day >= `day` of the month that the pattern allows, or -1. */
function nextMatchingDay(matcher: CronMatcher, year: number, month: number, day: number): number {
  const last = daysInMonth(year, month);
  if (day > last) return -1;
  let weekday = weekdayOf(year, month, day);
  for (let candidate = day; candidate <= last; candidate++) {
    if (allowsDay(matcher, candidate, weekday)) return candidate;
    weekday = weekday === 6 ? 0 : weekday + 1;
  }
  return -1;
}
