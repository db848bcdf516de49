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

  it('treats a missing cell as empty', () => {
    expect(renderTable(['A', 'B', 'C'], [['x']])).toEqual(['A  B  C', 'x']);
  });
});
