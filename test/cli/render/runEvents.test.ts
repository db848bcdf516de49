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

describe('renderRunEvent of a run awaiting approval', () => {
  it('says so with the message and the command to approve it, and when it gives up', () => {
    const event = { type: 'run.awaiting_approval' as const, run_id: 'r1', task: 'deploy', trigger: 'manual' as const, at: 0, expires_at: Date.parse('2026-12-01T12:00:00Z'), message: 'check\nthe diff' };
    expect(renderRunEvent(event)).toBe('.. deploy: awaiting approval (check\\nthe diff): symphony-conductor approve --run r1 (or reject); it gives up at 2026-12-01T12:00:00.000Z\n');
    expect(renderRunEvent({ ...event, message: null })).toBe('.. deploy: awaiting approval: symphony-conductor approve --run r1 (or reject); it gives up at 2026-12-01T12:00:00.000Z\n');
  });
});

describe('renderRunEvent of an attempt that timed out', () => {
  const ended = { type: 'attempt.ended' as const, run_id: 'r1', task: 'rto', attempt: 1, trigger: 'manual' as const, status: 'timeout' as const, exit_code: 124, duration_ms: 1000, retry_in_ms: null, worker: null };
  it('says only what its reason adds to "timeout after": why it is not retried, how it was stopped', () => {
    expect(renderRunEvent({ ...ended, reason: 'timed out after 1s' } as never)).toBe('!! rto: timeout after 1.0s\n');
    expect(renderRunEvent({ ...ended, reason: 'timed out after 1s; a timeout is not retried (retry_on_timeout: false)' } as never)).toBe(
      '!! rto: timeout after 1.0s: a timeout is not retried (retry_on_timeout: false)\n',
    );
  });
});

describe('renderRunEvent of a once-mode file run', () => {
  const started = { type: 'attempt.started' as const, run_id: 'r1', task: 'drain', attempt: 1, trigger: 'watch' as const, at: 0, fire_at: null, label: 'pid 42', worker: null };
  it('names the file after the task, its control characters made visible', () => {
    expect(renderRunEvent({ ...started, file: 'a.json' })).toBe('-> drain (a.json): started (run r1, attempt 1, pid 42)\n');
    expect(renderRunEvent({ ...started, file: 'a\nb.json' })).toBe('-> drain (a\\nb.json): started (run r1, attempt 1, pid 42)\n');
    expect(renderRunEvent(started)).toBe('-> drain: started (run r1, attempt 1, pid 42)\n');
  });
});
