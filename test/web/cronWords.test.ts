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

  // A step over a range, a range, a list, mixed, in every field: said, never "every 2 00 to 20".
  it.each([
    ['23 0-20/2 * * *', 'at minute 23 past every 2nd hour from 00 through 20'],
    ['0 9-17/2 * * 1-5', 'at minute 0 past every 2nd hour from 09 through 17 on Monday to Friday'],
    ['15 6-18/3 * * *', 'at minute 15 past every 3rd hour from 06 through 18'],
    ['0 9-17/1 * * *', 'at minute 0 past every hour from 09 through 17'],
    ['*/10 0-12/3 * * *', 'every 10 minutes during every 3rd hour from 00 through 12'],
    ['* 1-23/11 * * *', 'every minute during every 11th hour from 01 through 23'],
    ['0 1,3-5 * * *', 'at minute 0 past hour 01 and 03 to 05'],
    ['0,30 1,2,3,4,5 * * *', 'at minute 0 and 30 past hour 01, 02, 03, 04 and 05'],
    ['0-30/10 * * * *', 'every 10th minute from 0 through 30 of every hour'],
    ['5,10-20/5 * * * *', 'at minute 5 and every 5th minute from 10 through 20 of every hour'],
    ['0-10 9 * * *', 'at minute 0 to 10 past hour 09'],
    ['0-30/15 9 * * *', 'every 15th minute from 0 through 30 during hour 09'],
    ['10-40/10 * * * * *', 'every 10th second from 10 through 40'],
    ['0-30/10 5 * * * *', 'every 10th second from 0 through 30, every hour at minute 5'],
    ['30 5 * * * *', 'every hour at minute 5, at second 30'],
    ['0 0 1-15/2 * *', 'at 00:00 on every 2nd day from 1 through 15 of the month'],
    ['0 0 */2 * *', 'at 00:00 on every 2nd day of the month'],
    ['0 0 1,10-20/5 * *', 'at 00:00 on day 1 and every 5th day from 10 through 20 of the month'],
    ['0 0 * * 1-5/2', 'at 00:00 on Monday, Wednesday and Friday'],
    ['0 0 * * */2', 'at 00:00 on Sunday, Tuesday, Thursday and Saturday'],
    ['0 0 * * MON-FRI/2', 'at 00:00 on Monday, Wednesday and Friday'],
    ['0 0 1 1-12/3 *', 'at 00:00 on day 1 of the month in January, April, July and October'],
    ['0 0 1 JAN-JUN/2 *', 'at 00:00 on day 1 of the month in January, March and May'],
    ['0 0 1 1,6-8 *', 'at 00:00 on day 1 of the month in January and June to August'],
    ['0 0 */2 * */3', 'at 00:00 on every 2nd day of the month and on Sunday, Wednesday and Saturday'],
  ])('%s reads "%s"', (expression, words) => {
    expect(cronWords(expression)).toBe(words);
  });

  it.each([['0 0 * * * * *'], ['0 0'], ['x y * * *'], ['0 9 * * MON?'], ['5/15 * * * *'], ['*,5 * * * *'], ['0 1-2-3 * * *']])('%s has no words (null)', (expression) => {
    expect(cronWords(expression)).toBeNull();
  });
});
