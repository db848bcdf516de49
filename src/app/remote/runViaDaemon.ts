// `run --task NAME` while a daemon runs on the home: the daemon is asked (so its
// concurrency_policy and max_concurrent_tasks hold for runs by hand too), recorded with trigger
// `manual`, and the run is followed on the daemon's event stream to its end, with the same
// progress lines and exit code as a run here. Ctrl-C stops it in the daemon, recorded
// `interrupted` as a foreground run's is; a second Ctrl-C stops following at once. A run the
// daemon stops (it is stopping) or an operator cancels, or a daemon lost on the way, is exit 3.
import { DaemonClient, type StreamEvent } from '../../adapters/http/client/daemonClient.js';
import { ConductorError, EXIT } from '../../core/errors.js';
import type { DagOutcome } from '../../engine/dagSession.js';
import type { RunEvent } from '../../engine/events.js';
import type { StartedRun } from '../../ports/daemonApi.js';
import type { ForegroundResult } from '../runForeground.js';
import { onStopSignals } from '../signals.js';
import { osUser } from './daemonEndpoint.js';

/** Events of runs not (yet) known to be ours, kept until the answer says which runs are ours. */
const BUFFER_LIMIT = 5000;

export async function runViaDaemon(
  endpoint: { url: string; token: string },
  request: { task: string; withDeps: boolean; approved?: boolean },
  onEvent: (event: RunEvent) => void,
): Promise<ForegroundResult> {
  const client = new DaemonClient(endpoint.url, endpoint.token);
  const user = osUser();
  const stream = await client.events(); // subscribed before the run is asked for: nothing is missed
  const ours = new Set<string>();
  const ended = new Map<string, DagOutcome>();
  const buffered: { run_id: string; data: RunEvent }[] = [];
  let started: StartedRun | null = null;
  let interruptedBy: string | null = null;
  let sessionOutcomes: DagOutcome[] | null = null;
  let lostBecause: string | null = null;

  // Its run waits to retry (the last attempt ended with a retry to come): a daemon that stops then leaves it for the next.
  let retrying = false;
  // An attempt of it started: until then it is queued (or awaiting approval), and a daemon that stops leaves it so for the next.
  let ran = false;
  let awaitingApproval = false;
  const take = (event: RunEvent) => {
    onEvent(event.type === 'run.queued' ? withWait(event) : event);
    if (event.type === 'attempt.ended') retrying = event.retry_in_ms !== null;
    else if (event.type === 'attempt.started') {
      retrying = false;
      ran = true;
    } else if (event.type === 'run.awaiting_approval') awaitingApproval = true;
    if (event.type === 'run.ended') {
      ended.set(event.run_id, { task: event.task, run_id: event.run_id, status: event.status, reason: event.reason, exit_code: event.exit_code });
    }
  };
  const adopt = (runId: string) => {
    ours.add(runId);
    for (const item of buffered.filter((b) => b.run_id === runId)) take(item.data);
    for (let i = buffered.length - 1; i >= 0; i--) if (buffered[i]?.run_id === runId) buffered.splice(i, 1);
  };
  const done = () =>
    started !== null && (started.session ? sessionOutcomes !== null : started.run_id !== null && ended.has(started.run_id));
  const cancelOpen = () => {
    for (const runId of ours) {
      if (ended.has(runId)) continue;
      void client.call('POST', `/api/v1/runs/${encodeURIComponent(runId)}/cancel`, { interrupted_by: interruptedBy?.replace('interrupted by ', ''), cli_user: user }).catch(() => {});
    }
  };
  const stopListening = onStopSignals((signal, count) => {
    interruptedBy ??= `interrupted by ${signal}`;
    if (count === 1) cancelOpen();
    else stream.close();
  });
  try {
    started = await client.call<StartedRun>('POST', `/api/v1/tasks/${encodeURIComponent(request.task)}/run`, {
      with_deps: request.withDeps,
      ...(request.approved ? { approved: true } : {}),
      cli_user: user,
    });
    if (started.run_id) adopt(started.run_id);
    if (interruptedBy) cancelOpen();
    if (!done()) {
      try {
        for await (const item of stream.events) {
          handle(item);
          if (done()) break;
        }
      } catch (error) {
        // The connection broke (the daemon was killed, or its host went away): said below.
        lostBecause = (error as Error).message;
      }
    }
  } finally {
    stopListening();
    stream.close();
  }
  if (!done() && !interruptedBy) {
    // The daemon stopped or died while its run went on: the run is interrupted (its next start
    // records it so and stops what is left of it), or, waiting to retry, resumed by the next
    // start, or, never started (queued, awaiting approval), left so for the next start; this
    // command is interrupted either way (exit 3).
    const what = started?.run_id ?? `the run of ${request.task}`;
    const next = started?.session
      ? 'records the run interrupted'
      : retrying
        ? 'runs its retry when it is due'
        : ran
          ? 'records the run interrupted'
          : awaitingApproval || started?.status === 'awaiting_approval'
            ? 'keeps it waiting for its approval'
            : 'starts it';
    throw new ConductorError(
      'DAEMON_LOST',
      `lost the daemon while following ${what} (${lostBecause ?? 'its event stream ended'}): it stopped or died; a daemon started again ${next}; see \`history --task ${request.task}\``,
      { exitCode: EXIT.interrupted },
    );
  }
  const outcomes = sessionOutcomes ?? [...ended.values()].filter((o) => o.run_id === started?.run_id);
  const failed = outcomes.some((o) => o.status === 'failed' || o.status === 'timeout');
  // A run the daemon stopped (it was stopping: `interrupted`) or an operator stopped
  // (`cancelled`) did not finish: exit 3, as a run here stopped by a signal.
  const stopped = outcomes.some((o) => o.status === 'interrupted' || o.status === 'cancelled');
  return { outcomes, exitCode: interruptedBy || stopped ? EXIT.interrupted : failed ? EXIT.taskFailed : EXIT.ok, interruptedBy };

  /**
   * The followed run's run.queued, when the daemon's answer said it did not start at once, with
   * what it waits for: a progress line, for that run alone (not for each run of a session).
   */
  function withWait(event: RunEvent & { type: 'run.queued' }): RunEvent {
    const waits = started !== null && !started.session && started.status === 'queued' && event.run_id === started.run_id;
    return waits ? { ...event, reason: started?.reason ?? 'waiting for a free slot' } : event;
  }

  function handle(item: StreamEvent): void {
    const data = item.data as Record<string, unknown> | null;
    if (!data) return;
    if (item.event === 'run') {
      const event = data as unknown as RunEvent;
      if (ours.has(event.run_id)) take(event);
      else {
        buffered.push({ run_id: event.run_id, data: event });
        if (buffered.length > BUFFER_LIMIT) buffered.shift();
      }
    } else if (item.event === 'session' && started?.session && data.session === started.session) {
      if (data.type === 'session.run') {
        adopt(data.run_id as string);
        if (interruptedBy) cancelOpen();
      } else if (data.type === 'session.ended') sessionOutcomes = data.outcomes as DagOutcome[];
    }
  }
}
