// Plain text tables for a terminal, for every command that prints one (status, history, next,
// automation-health): columns padded to the widest cell, two spaces apart, no trailing blanks;
// optionally fitted to the terminal's width (cells of the columns that may shrink are cut with
// an ellipsis, then columns that may go are left out or written shorter, in the order given)
// and painted (colour codes around a cell's text, outside its padding, so they never skew the
// columns).

import { visible } from './visible.js';

export interface TableOptions {
  /** The terminal's width; the table is fitted into it when given. */
  maxWidth?: number;
  /** Columns that may be cut to fit, the first given cut first. */
  shrink?: number[];
  /** Columns cut only when leaving out the droppable ones is not enough (a row's name). */
  shrinkLast?: number[];
  /**
   * What may go when cutting is not enough, the first given first: a column's index leaves it
   * out; `{column, cells}` writes it with those shorter cells (one a row, e.g. a time without
   * its weekday and year).
   */
  drop?: (number | { column: number; cells: string[] })[];
  /** Decorates a cell's text (e.g. colour); `row` is -1 for the header, `column` the original index. */
  paint?: (row: number, column: number, text: string) => string;
}

const GAP = 2;
const MIN_SHRUNK = 8;

export function renderTable(header: string[], given: string[][], options: TableOptions = {}): string[] {
  // One row per line, whatever a cell holds (a file name with a newline in a reason).
  const rows = given.map((row) => row.map(visible));
  // A loop, not Math.max(...cells): spreading 130,000 arguments overflows the call stack.
  const widths = header.map((h) => h.length);
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const shown = header.map((_, i) => i);
  const shorter = new Map<number, string[]>();
  if (options.maxWidth !== undefined) fit(widths, shown, shorter, header, options.maxWidth, options.shrink ?? [], options.drop ?? [], options.shrinkLast ?? []);
  const line = (cells: string[], row: number): string =>
    shown
      .map((i, position) => {
        const cell = (row >= 0 ? shorter.get(i)?.[row] : undefined) ?? cells[i] ?? '';
        const width = widths[i] ?? 0;
        const cut = cell.length > width ? `${cell.slice(0, Math.max(0, width - 1))}…` : cell;
        const text = options.paint ? options.paint(row, i, cut) : cut;
        return position === shown.length - 1 ? text : text + ' '.repeat(Math.max(0, width - cut.length));
      })
      .join(' '.repeat(GAP))
      .trimEnd();
  return [line(header, -1), ...rows.map((row, index) => line(row, index))];
}

/**
 * Narrows the shrinkable columns, then leaves out or shortens the droppable ones, then narrows the
 * columns cut last, until the table fits; the width a left-out column freed goes back to the
 * narrowed ones, those cut last first, then the last given first.
 */
function fit(
  widths: number[],
  shown: number[],
  shorter: Map<number, string[]>,
  header: string[],
  maxWidth: number,
  shrink: number[],
  drop: NonNullable<TableOptions['drop']>,
  shrinkLast: number[],
): void {
  const total = () => shown.reduce((sum, i) => sum + (widths[i] ?? 0), 0) + GAP * (shown.length - 1);
  const natural = [...widths];
  const narrow = (columns: number[]) => {
    for (const column of columns) {
      const over = total() - maxWidth;
      if (over <= 0) return;
      const width = widths[column] ?? 0;
      const floor = Math.max((header[column] ?? '').length, MIN_SHRUNK);
      // Never wider than it was: a column narrower than the floor keeps its width.
      widths[column] = Math.min(width, Math.max(floor, width - over));
    }
  };
  narrow(shrink);
  for (const step of drop) {
    if (total() <= maxWidth) break;
    if (typeof step === 'number') {
      const at = shown.indexOf(step);
      if (at >= 0) shown.splice(at, 1);
    } else {
      shorter.set(step.column, step.cells);
      let width = (header[step.column] ?? '').length;
      for (const cell of step.cells) width = Math.max(width, cell.length);
      widths[step.column] = Math.min(widths[step.column] ?? 0, width);
    }
  }
  narrow(shrinkLast);
  for (const column of [...shrinkLast, ...[...shrink].reverse()]) {
    const spare = maxWidth - total();
    if (spare <= 0) return;
    if (!shown.includes(column)) continue;
    widths[column] = Math.min(natural[column] ?? 0, (widths[column] ?? 0) + spare);
  }
}
