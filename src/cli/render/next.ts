// `next` on a terminal: the fires soonest first, in local time with how long until each, and the
// instant in the task's own zone (what `next` prints when piped). Fires after a `--from` in the
// past may be past themselves: those say how long ago, as PASSED does in status and history.
import { renderTable } from '../../core/format/table.js';
import type { NextFire } from '../../app/nextFires.js';
import { left, localTime, passed, terminalWidth } from './terminal.js';

export function renderNext(fires: NextFire[], now: number): string {
  const sorted = [...fires].sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.task.localeCompare(b.task));
  const rows = sorted.map((fire) => {
    const at = Date.parse(fire.at);
    return [localTime(at), at < now ? passed(at, now) : left(at, now), fire.task, fire.at];
  });
  return `${renderTable(['NEXT', 'LEFT', 'TASK', 'IN ITS ZONE'], rows, { maxWidth: terminalWidth(), shrink: [3, 2] }).join('\n')}\n`;
}
