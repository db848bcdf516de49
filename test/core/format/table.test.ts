// The one plain-text table of the CLI (status, history, automation-health).
import { describe, expect, it } from 'vitest';
import { renderTable } from '../../../src/core/format/table.js';

describe('renderTable', () => {
  it('pads every column but the last to its widest cell, two spaces apart', () => {
    expect(renderTable(['TASK', 'STATE', 'WHY'], [['inventory_scan', 'ok', ''], ['a', 'failed (error)', 'exit code 1']])).toEqual([
      'TASK            STATE           WHY',
      'inventory_scan  ok',
      'a               failed (error)  exit code 1',
    ]);
  });

  it('prints the header alone when there are no rows', () => {
    expect(renderTable(['A', 'B'], [])).toEqual(['A  B']);
  });

  it('fits a width: cuts the shrinkable column, never widening a narrow one, then drops or shortens in order', () => {
    const header = ['WHEN', 'T', 'WHY'];
    const rows = [['Mon 2026-11-30 19:42:05 UTC', 'a', 'a long reason for it']];
    // WHY cut to its floor (8), T (width 1, under the floor) left as it is, then WHEN shortened;
    // the 3 columns that frees go back to WHY
    expect(renderTable(header, rows, { maxWidth: 30, shrink: [2, 1], drop: [{ column: 0, cells: ['11-30 19:42:05'] }] })).toEqual([
      'WHEN            T  WHY',
      '11-30 19:42:05  a  a long rea…',
    ]);
    // a shortened column is used only when needed
    expect(renderTable(header, rows, { maxWidth: 80, drop: [{ column: 0, cells: ['x'] }] })[1]).toBe('Mon 2026-11-30 19:42:05 UTC  a  a long reason for it');
    expect(renderTable(header, rows, { maxWidth: 20, shrink: [2], drop: [0] })).toEqual(['T  WHY', 'a  a long reason fo…']);
  });

  it('gives the width a dropped column freed back to the cut ones, the last given first: a task name is not cut with room to spare', () => {
    const header = ['TASK', 'SCHEDULE', 'NEXT', 'LAST'];
    const rows = [
      ['cleanup_analysis', '30 2 * * *', 'Tue 2026-12-01 02:30:00 UTC', 'Mon 2026-11-30 02:30:00 UTC'],
      ['cleanup_execution', '0 3 * * 0', 'Sun 2026-12-06 03:00:00 UTC', 'Sun 2026-11-29 03:00:00 UTC'],
    ];
    expect(renderTable(header, rows, { maxWidth: 60, shrink: [1, 0], drop: [3] })).toEqual([
      'TASK               SCHEDULE    NEXT',
      'cleanup_analysis   30 2 * * *  Tue 2026-12-01 02:30:00 UTC',
      'cleanup_execution  0 3 * * 0   Sun 2026-12-06 03:00:00 UTC',
    ]);
    // Not room for all: the task name (given last) is given back its width first.
    expect(renderTable(header, rows, { maxWidth: 56, shrink: [1, 0], drop: [3] })[2]).toBe('cleanup_execution  0 3 * *…  Sun 2026-12-06 03:00:00 UTC');
  });

  it('cuts a shrinkLast column only once leaving out the droppable ones is not enough', () => {
    const header = ['TASK', 'SCHEDULE', 'NEXT', 'LEFT'];
    const rows = [['cleanup_execution', '0 3 * * 0', 'Sun 2026-12-06 03:00:00 UTC', 'in 4 days']];
    const options = { shrink: [1], drop: [2], shrinkLast: [0] };
    // Without NEXT there is room for the whole name.
    expect(renderTable(header, rows, { ...options, maxWidth: 50 })[1]).toBe('cleanup_execution  0 3 * * 0  in 4 days');
    // Not even then: the name is cut, as little as it must be.
    expect(renderTable(header, rows, { ...options, maxWidth: 30 })[1]).toBe('cleanup_…  0 3 * *…  in 4 days');
  });

  it('treats a missing cell as empty', () => {
    expect(renderTable(['A', 'B', 'C'], [['x']])).toEqual(['A  B  C', 'x']);
  });
});
