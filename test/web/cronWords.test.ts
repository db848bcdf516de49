// The dashboard's schedule in words: what each kind of cron expression reads as, and null
// (the page shows the cron text alone) for what it cannot say plainly.
import { describe, expect, it } from 'vitest';
import { cronWords } from '../../web/src/cronWords.js';

describe('cronWords', () => {
  it.each([
    ['30 2 * * *', 'every day at 02:30'],
    ['0 0 * * *', 'every day at 00:00'],
    ['@daily', 'every day at 00:00'],
    ['@hourly', 'every hour at minute 0'],
    ['@weekly', 'at 00:00 on Sunday'],
    ['@monthly', 'at 00:00 on day 1 of the month'],
    ['@yearly', 'at 00:00 on day 1 of the month in January'],
    ['* * * * *', 'every minute'],
    ['*/5 * * * *', 'every 5 minutes'],
    ['15 * * * *', 'every hour at minute 15'],
    ['0 */2 * * *', 'every 2 hours at minute 0'],
    ['*/15 9-17 * * 1-5', 'every 15 minutes between 09:00 and 17:59 on Monday to Friday'],
    ['0 9 * * MON-FRI', 'at 09:00 on Monday to Friday'],
    ['0 9 * * 1,3,5', 'at 09:00 on Monday, Wednesday and Friday'],
    ['0 9 * * 7', 'at 09:00 on Sunday'],
    ['0,30 8 * * *', 'every day at 08:00 and 08:30'],
    ['0 8,20 * * *', 'every day at 08:00 and 20:00'],
    ['0 0 1,15 * *', 'at 00:00 on day 1 and 15 of the month'],
    ['0 0 L * *', 'at 00:00 on the last day of the month'],
    ['0 0 15W * *', 'at 00:00 on the weekday nearest day 15 of the month'],
    ['0 12 * * 5#2', 'at 12:00 on the second Friday'],
    ['0 12 * * 5L', 'at 12:00 on the last Friday'],
    ['0 0 1 * 1', 'at 00:00 on day 1 of the month or on Monday'],
    ['0 0 1 * +1', 'at 00:00 on day 1 of the month and on Monday'],
    ['0 6 * JAN-MAR *', 'at 06:00 in January to March'],
    ['0 6 1 */3 *', 'at 06:00 on day 1 of the month every 3 months'],
    ['* * * * * *', 'every second'],
    ['*/10 * * * * *', 'every 10 seconds'],
    ['30 0 2 * * *', 'every day at 02:00:30'],
    ['5,35 * * * *', 'at minute 5 and 35 of every hour'],
  ])('%s reads "%s"', (expression, words) => {
    expect(cronWords(expression)).toBe(words);
  });

  it.each([['0 0 * * * * *'], ['0 0'], ['x y * * *'], ['0 9 * * MON?']])('%s has no words (null)', (expression) => {
    expect(cronWords(expression)).toBeNull();
  });
});
