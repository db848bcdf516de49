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
    // WHY cut to its floor (8), T (width 1, under the floor) left as it is, then WHEN shortened
    expect(renderTable(header, rows, { maxWidth: 30, shrink: [2, 1], drop: [{ column: 0, cells: ['11-30 19:42:05'] }] })).toEqual([
      'WHEN            T  WHY',
      '11-30 19:42:05  a  a long …',
    ]);
    // a shortened column is used only when needed
    expect(renderTable(header, rows, { maxWidth: 80, drop: [{ column: 0, cells: ['x'] }] })[1]).toBe('Mon 2026-11-30 19:42:05 UTC  a  a long reason for it');
    expect(renderTable(header, rows, { maxWidth: 20, shrink: [2], drop: [0] })).toEqual(['T  WHY', 'a  a long …']);
  });

  it('treats a missing cell as empty', () => {
    expect(renderTable(['A', 'B', 'C'], [['x']])).toEqual(['A  B  C', 'x']);
  });
});
