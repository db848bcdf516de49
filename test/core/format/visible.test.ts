import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../../src/core/errors.js';
import { renderTable } from '../../../src/core/format/table.js';
import { visible } from '../../../src/core/format/visible.js';

describe('text from outside shown on a terminal', () => {
  it('writes control characters as escapes and leaves everything else, unicode included, as it is', () => {
    expect(visible('evil\n-> x: started (run fake)\u001b[2J.json')).toBe('evil\\n-> x: started (run fake)\\x1b[2J.json');
    expect(visible('a\tb\rc\u0000d\u007fe\u009b')).toBe('a\\tb\\rc\\x00d\\x7fe\\x9b');
    expect(visible('plain name – ünïcode ✓')).toBe('plain name – ünïcode ✓');
  });

  it('keeps a table at one row per line when a cell holds a newline', () => {
    const lines = renderTable(['TASK', 'REASON'], [['w', 'failed: evil\nfake line']]);
    expect(lines).toEqual(['TASK  REASON', 'w     failed: evil\\nfake line']);
  });

  it('shows a config problem whose key holds an escape sequence without sending it to the terminal', () => {
    expect(formatProblem({ where: '/\u001b[2Jx', message: 'unknown key' })).toBe('/\\x1b[2Jx: unknown key');
  });
});
