// run --all's progress lines: gathered for up to 50 ms and written together, in order, none lost.
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GATHER_MS, gatherLines } from '../../src/cli/gatherLines.js';

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

describe('gatherLines', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes the lines of the next 50 ms as one write', () => {
    const { stream, writes } = collector();
    const progress = gatherLines(stream);
    progress.write('a started\n');
    vi.advanceTimersByTime(GATHER_MS - 1);
    progress.write('a finished\n');
    progress.write('b started\n');
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(writes).toEqual(['a started\na finished\nb started\n']);
  });

  it('writes later lines in a later write, in order, and nothing when none came', () => {
    const { stream, writes } = collector();
    const progress = gatherLines(stream);
    progress.write('1\n');
    vi.advanceTimersByTime(GATHER_MS);
    vi.advanceTimersByTime(5 * GATHER_MS);
    progress.write('2\n');
    progress.write('3\n');
    vi.advanceTimersByTime(GATHER_MS);
    expect(writes).toEqual(['1\n', '2\n3\n']);
  });

  it('flush writes what is gathered at once, so a summary printed next comes after it', () => {
    const { stream, writes } = collector();
    const progress = gatherLines(stream);
    progress.write('a finished\n');
    progress.flush();
    stream.write('1 task: 1 succeeded\n');
    expect(writes).toEqual(['a finished\n', '1 task: 1 succeeded\n']);
    vi.advanceTimersByTime(GATHER_MS);
    expect(writes).toHaveLength(2);
  });
});
