// `next` on a terminal: the fires soonest first, in local time with how long until each, and the
// instant in the task's own zone (what `next` prints when piped). Fires after a `--from` in the
// past may be past themselves: those say how long ago, as PASSED does in status and history.
import { renderTable } from '../../core/format/table.js';
import type { NextFire } from '../../app/nextFires.js';
import { left, localTime, passed, shortLocalTime, terminalWidth } from './terminal.js';

export function renderNext(fires: NextFire[], now: number): string {
  const sorted = [...fires].sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.task.localeCompare(b.task));
  const rows = sorted.map((fire) => {
    const at = Date.parse(fire.at);
    return [localTime(at), at < now ? passed(at, now) : left(at, now), fire.task, fire.at];
  });
  // Narrow: the task's name is cut, then the instant in its zone goes (the local time says when),
  // then the local time loses its weekday, year and zone.
  const short = { column: 0, cells: sorted.map((fire) => shortLocalTime(Date.parse(fire.at))) };
  return `${renderTable(['NEXT', 'LEFT', 'TASK', 'IN ITS ZONE'], rows, { maxWidth: terminalWidth(), shrink: [2], drop: [3, short] }).join('\n')}\n`;
}
