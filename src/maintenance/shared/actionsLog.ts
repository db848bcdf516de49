// cleanup_actions.log: one appended line per action, `<ISO time> <action> <outcome> "<path>" <detail>`.
// The path is a JSON string, so spaces, newlines and non-UTF-8 bytes cannot break a line.
import { displayPath, type BytePath } from './bytePath.js';
import { appendNoFollow } from './noFollow.js';
import { fsAbsolute, STATE, type MaintenanceRoot } from './maintenanceRoot.js';

export interface ActionsLog {
  /** Appends a line; throws when the log cannot be written. */
  append(action: string, outcome: string, rel: BytePath | null, detail?: string): void;
  /** Appends a line; a failure is remembered, not thrown (for lines after a file has moved). */
  note(action: string, outcome: string, rel: BytePath | null, detail?: string): void;
  readonly failures: string[];
}

export function openActionsLog(root: MaintenanceRoot, clock: () => Date = () => new Date()): ActionsLog {
  const file = fsAbsolute(root, STATE.actionsLog);
  const failures: string[] = [];
  const line = (action: string, outcome: string, rel: BytePath | null, detail?: string): string => {
    const where = rel === null ? '-' : JSON.stringify(displayPath(rel));
    const tail = detail ? ` ${detail.replace(/[\r\n]+/g, ' ')}` : '';
    return `${clock().toISOString()} ${action} ${outcome} ${where}${tail}\n`;
  };
  return {
    failures,
    append(action, outcome, rel, detail) {
      appendNoFollow(file, line(action, outcome, rel, detail));
    },
    note(action, outcome, rel, detail) {
      try {
        this.append(action, outcome, rel, detail);
      } catch (error) {
        failures.push((error as Error).message);
      }
    },
  };
}
