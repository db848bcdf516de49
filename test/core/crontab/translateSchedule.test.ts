import { describe, expect, it } from 'vitest';
import { translateSchedule } from '../../../src/core/crontab/translateSchedule.js';

const fields = (text: string) => text.split(' ');

describe('translateSchedule', () => {
  describe('when cron and the conductor read the fields alike', () => {
    it.each([
      '17 * * * *',
      '5-55/10 * * * *',
      '09,39 * * * *',
      '30 7-23 * * *',
      '*/15 9-17 * * MON-FRI',
      '0 0 * jan-mar/2 sun',
      '0 0 1,15 * 5',
      '6 1 1-7 * 7',
      '0 0 */2 * *',
      '0 0 * * */2',
      '0 0 * * 7',
    ])('keeps %j as it is', (expression) => {
      expect(translateSchedule(fields(expression))).toEqual({ schedule: expression });
    });

    it.each(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'])('keeps the nickname %s', (nickname) => {
      expect(translateSchedule([nickname])).toEqual({ schedule: nickname });
    });
  });

  describe("when one day field starts with * and the other is restricted (Vixie's rule, the conductor's too: both must match)", () => {
    it.each(['0 0 */2 * 1', '0 0 1 * */2', '0 0 */1 * MON-FRI'])('keeps %j as it is', (cron) => {
      expect(translateSchedule(fields(cron))).toEqual({ schedule: cron });
    });
  });

  describe('when cron would refuse the line', () => {
    it.each([
      ['@reboot', ['@reboot'], /@reboot runs once at boot/],
      ['an unknown nickname', ['@fortnightly'], /unknown nickname "@fortnightly" \(cron knows @yearly .* @reboot\)/],
      ['an upper-case nickname', ['@DAILY'], /"@DAILY" is not a cron nickname \(cron's are lower case: @daily\)/],
      ['a minute out of range', fields('61 * * * *'), /minute 61 out of range 0-59/],
      ['an hour out of range', fields('0 24 * * *'), /hour 24 out of range 0-23/],
      ['a day name in day-of-month', fields('0 0 MON * *'), /day-of-month "MON" is not cron syntax/],
      ['L in day-of-month', fields('0 0 L * *'), /day-of-month "L" is not cron syntax/],
      ['W in day-of-month', fields('0 0 15W * *'), /day-of-month "15W" is not cron syntax/],
      ['# in day-of-week', fields('0 0 * * 5#2'), /day-of-week "5#2" is not cron syntax/],
      ['L in day-of-week', fields('0 0 * * 5L'), /day-of-week "5L" is not cron syntax/],
      ['? anywhere', fields('0 0 ? * 1'), /day-of-month "\?" is not cron syntax/],
      ["croner's + (both)", fields('0 0 1 * +1'), /day-of-week "\+1" is not cron syntax/],
      ['a date that never comes', fields('0 0 31 2 *'), /never fires/],
      ['a step without a range', fields('5/15 * * * *'), /a step needs \* or a range/],
    ])('refuses %s', (_label, input, reason) => {
      const translated = translateSchedule(input);
      expect('problem' in translated && translated.problem).toMatch(reason);
    });
  });
});
