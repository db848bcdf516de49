// A daemon told to stop (SIGTERM) while clients follow a run's log and the event stream: the
// run ends interrupted, each response ends whole (its last chunk sent, so no client sees a
// transfer cut short) with what the run wrote and its end, and the daemon exits 0.
import { afterEach, describe, expect, it } from 'vitest';
import { makeHome } from '../../helpers/cli.js';
import { killDaemons, readEvents, startDaemon } from '../../helpers/daemon.js';
import { rows, waitFor } from '../../helpers/wait.js';

afterEach(killDaemons);

describe('stopping with streams open', () => {
  it('ends a followed log and an event stream with their final chunk, then exits 0', async () => {
    const home = makeHome({
      tasks: [{ name: 'long', command: 'echo long started; exec sleep 60', kill_grace: 1 }],
      settings: { http: { port: 0 }, shutdown_timeout: 0.5 },
    });
    const daemon = await startDaemon(home);
    const { run_id: runId } = (await (await daemon.call('/api/v1/tasks/long/run', { method: 'POST' })).json()) as { run_id: string };
    await waitFor(() => rows(home).some((r) => r.run_id === runId && r.status === 'running'), 'the run to start');

    const log = await daemon.call(`/api/v1/runs/${runId}/log?follow=1`);
    const reader = (log.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('long started')) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`the log ended before the stop: ${text}`);
      text += decoder.decode(value, { stream: true });
    }
    const stream = await daemon.call('/api/v1/events');
    let heard!: () => void;
    const subscribed = new Promise<void>((resolve) => (heard = resolve));
    // Read to the end; a transfer cut short rejects (undici: "terminated").
    const events = readEvents(stream, (e) => (e.event === 'heartbeat' && heard(), false));
    await subscribed;

    const exited = daemon.stop();
    for (;;) {
      const { done, value } = await reader.read(); // rejects if the response is cut without its last chunk
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(text).toContain(`run=${runId} attempt=1 task=long`);
    expect(text).toContain('long started');
    const ours = (await events).filter((e) => e.event === 'run' && e.data.run_id === runId).map((e) => [e.data.type, e.data.status]);
    expect(ours).toContainEqual(['run.ended', 'interrupted']);
    expect(await exited).toBe(0);
    expect(rows(home).find((r) => r.run_id === runId)?.status).toBe('interrupted');
  });

  it('takes a run asked for during the drain as a row for the next start, and says so', async () => {
    const home = makeHome({
      tasks: [{ name: 'long', command: 'exec sleep 60', kill_grace: 1 }, { name: 'ok', command: 'true' }],
      settings: { http: { port: 0 }, shutdown_timeout: 3, max_concurrent_tasks: 3 },
    });
    const daemon = await startDaemon(home);
    const { run_id: longRun } = (await (await daemon.call('/api/v1/tasks/long/run', { method: 'POST' })).json()) as { run_id: string };
    await waitFor(() => rows(home).some((r) => r.run_id === longRun && r.status === 'running'), 'the run to start');
    daemon.child.kill('SIGTERM');
    await waitFor(() => /stopping/.test(daemon.output()), 'the drain');
    const asked = await daemon.call('/api/v1/tasks/ok/run', { method: 'POST' });
    expect(asked.status).toBe(202);
    expect(await asked.json()).toMatchObject({ task: 'ok', status: 'queued', reason: 'the daemon is stopping: the run waits for its next start' });
  });
});
