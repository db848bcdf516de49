// run --all's progress lines: gathered and written once per event-loop turn, in order, none lost.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { turnWriter } from '../../src/cli/turnWriter.js';

function collector(): { stream: Writable; writes: string[] } {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk.toString());
      done();
    },
  });
  return { stream, writes };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('turnWriter', () => {
  it('writes the lines of one turn as one write, at the end of the turn', async () => {
    const { stream, writes } = collector();
    const progress = turnWriter(stream);
    progress.write('a started\n');
    progress.write('a finished\n');
    progress.write('b started\n');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['a started\na finished\nb started\n']);
  });

  it('writes each turn\'s lines in order, and nothing when a turn had none', async () => {
    const { stream, writes } = collector();
    const progress = turnWriter(stream);
    progress.write('1\n');
    await nextTurn();
    await nextTurn();
    progress.write('2\n');
    progress.write('3\n');
    await nextTurn();
    expect(writes).toEqual(['1\n', '2\n3\n']);
  });

  it('flush writes what is gathered at once, so a summary printed next comes after it', async () => {
    const { stream, writes } = collector();
    const progress = turnWriter(stream);
    progress.write('a finished\n');
    progress.flush();
    stream.write('1 task: 1 succeeded\n');
    expect(writes).toEqual(['a finished\n', '1 task: 1 succeeded\n']);
    await nextTurn();
    expect(writes).toHaveLength(2);
  });
});
