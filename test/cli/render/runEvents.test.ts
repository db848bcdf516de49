import { describe, expect, it } from 'vitest';
import { renderRunEvent } from '../../../src/cli/render/runEvents.js';

describe('renderRunEvent of a run that waits (run.queued)', () => {
  const queued = { type: 'run.queued' as const, run_id: 'r1', task: 'x', trigger: 'manual' as const, at: 0, fire_at: null };
  it.each([
    ['with what it waits for (it did not start at once)', { reason: 'waiting for a free slot' }, '.. x: queued (waiting for a free slot)\n'],
    ['with a remote wait', { reason: 'waiting for a worker' }, '.. x: queued (waiting for a worker)\n'],
    ['as the engine emits it before every start: nothing (no line per task of run --all)', {}, ''],
  ])('prints %s', (_label, extra, expected) => {
    expect(renderRunEvent({ ...queued, ...extra })).toBe(expected);
  });
});
