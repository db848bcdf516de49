// The schedule module's front door: cron expressions, zones and instants, all pure
// (no clock, no I/O); time is always an argument in ms since the epoch.
//
// Decisions, each in its own file:
//   checkCron       - is this expression one the contract accepts (and can it fire)?
//   compileSchedule - expression + zone -> Schedule { next, prev }
//   checkTimezone / systemTimezone / resolveTimezone - which zone a task runs in
//   formatInZone / parseInstant - instants as operators read and type them
export type { Schedule } from './schedule.js';
export { checkCron } from './checkCron.js';
export { compileSchedule } from './compileSchedule.js';
export { checkTimezone } from './checkTimezone.js';
export { systemTimezone } from './systemTimezone.js';
export { resolveTimezone } from './resolveTimezone.js';
export { formatInZone } from './formatInZone.js';
export { parseInstant } from './parseInstant.js';
