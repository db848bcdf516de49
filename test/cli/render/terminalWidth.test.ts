// The width tables are fitted to: $COLUMNS when it is a positive whole number, else the
// terminal's own; none when stdout is not a terminal.
import { afterEach, describe, expect, it } from 'vitest';
import { terminalWidth } from '../../../src/cli/render/terminal.js';

const tty = (columns: number | undefined) => ({ isTTY: true, columns }) as unknown as NodeJS.WriteStream;
const saved = process.env.COLUMNS;
afterEach(() => {
  if (saved === undefined) delete process.env.COLUMNS;
  else process.env.COLUMNS = saved;
});

describe('terminalWidth', () => {
  it('takes $COLUMNS over the terminal, and the terminal when $COLUMNS is unset', () => {
    delete process.env.COLUMNS;
    expect(terminalWidth(tty(120))).toBe(120);
    process.env.COLUMNS = '60';
    expect(terminalWidth(tty(120))).toBe(60);
    expect(terminalWidth(tty(0))).toBe(60); // a terminal that reports no size
  });

  it.each(['', 'abc', '0', '-5', '12.5', '1e3x', ' '])('ignores a $COLUMNS of %j', (value) => {
    process.env.COLUMNS = value;
    expect(terminalWidth(tty(100))).toBe(100);
    expect(terminalWidth(tty(0))).toBeUndefined();
  });

  it('is none when stdout is not a terminal, whatever $COLUMNS says', () => {
    process.env.COLUMNS = '80';
    expect(terminalWidth({ isTTY: false, columns: 80 } as unknown as NodeJS.WriteStream)).toBeUndefined();
  });
});
