// The terminal `status` table's recent results: a WORKER column when workers ran any of them
// (the queue executor), as `history` has; none for a home whose runs are all local.
import { describe, expect, it } from 'vitest';
import type { StatusReport } from '../../../src/app/status/statusReport.js';
import type { RunRecord } from '../../../src/core/types.js';
import { renderStatus } from '../../../src/cli/render/status.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');

function run(task: string, worker: string | null, reason: string | null = null): RunRecord {
  return {
    run_id: `r-${task}`,
    task,
    attempt: 1,
    trigger: 'schedule',
    status: reason ? 'failed' : 'success',
    started_at: '2025-06-01T11:59:00.000Z',
    finished_at: '2025-06-01T11:59:01.000Z',
    exit_code: reason ? 2 : 0,
    signal: null,
    duration_ms: 1000,
    reason,
    worker,
  } as RunRecord;
}

function report(recent: RunRecord[]): StatusReport {
  return { daemon: { running: false, pid: null, since: null, version: null }, tasks: [], awaiting_approval: [], recent_results: recent };
}

const recentPart = (text: string) => text.slice(text.indexOf('recent results:'));

describe('the recent results of the terminal status', () => {
  it('has a WORKER column before REASON when a worker ran any of them, with - for a local run', () => {
    const text = recentPart(renderStatus(report([run('train', 'gpu-1', 'exit code 2'), run('local', null)]), { now: NOW, colour: false }));
    expect(text).toMatch(/^STARTED\s+TASK\s+STATUS\s+EXIT\s+TOOK\s+WORKER\s+REASON$/m);
    expect(text).toMatch(/\strain\s+failed\s+2\s+1\.0s\s+gpu-1\s+exit code 2$/m);
    expect(text).toMatch(/\slocal\s+success\s+0\s+1\.0s\s+-$/m);
  });

  it('has none when every run was local', () => {
    const text = recentPart(renderStatus(report([run('local', null)]), { now: NOW, colour: false }));
    expect(text).toMatch(/^STARTED\s+TASK\s+STATUS\s+EXIT\s+TOOK\s+REASON$/m);
    expect(text).not.toContain('WORKER');
  });
});

describe("the daemon lines of a cluster node that cannot reach the cluster's Redis", () => {
  it('say it is not connected, and why', () => {
    const reason = 'cluster Redis unreachable at redis://127.0.0.1:6379/0: connect ECONNREFUSED 127.0.0.1:6379';
    const text = renderStatus(
      { ...report([]), daemon: { running: true, pid: 42, since: null, version: '1', role: 'standby', leader: null, cluster: { connected: false, reason } } },
      { now: NOW, colour: false },
    );
    expect(text.split('\n').slice(0, 2)).toEqual(['daemon: running (pid 42), standby (leader: unknown)', `cluster: NOT connected (${reason})`]);
  });
});

describe('the executor line of a queue executor', () => {
  const withExecutor = (executor: NonNullable<StatusReport['executor']>) => renderStatus({ ...report([]), executor }, { now: NOW, colour: false });

  it('does not say "no worker registered" while Redis is away: who is registered is not known then', () => {
    const reason = 'Redis unreachable at redis://127.0.0.1:6391/0: connect ECONNREFUSED 127.0.0.1:6391';
    expect(withExecutor({ type: 'queue', connected: false, reason, workers: [] })).toContain(`executor: queue, NOT connected (${reason}); workers unknown while Redis is away`);
    expect(withExecutor({ type: 'queue', connected: true, reason: null, workers: [] })).toContain('executor: queue, connected; no worker registered');
  });
});
