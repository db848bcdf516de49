// The daemon's Prometheus metrics (names and labels as spec/http.md decides), kept live from
// the engine's run events rather than by polling the history; the gauges of what runs and what
// waits read the engine's counters at scrape time. Its own registry, with Node's default
// process metrics.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RunEvent } from '../../engine/events.js';
import { DELAY_GAUGES, eventLoopDelayGauges } from './eventLoopDelay.js';

export interface MetricsSource {
  /** Subscribes to every run event. */
  onAny(listener: (event: RunEvent) => void): () => void;
  running(): number;
  queued(): number;
  /** Each task's latest success (ms), read once at start so the gauge is right after a restart. */
  lastSuccesses(): Map<string, number>;
  /** Each watch task's files ready and waiting for a worker, read at scrape time. */
  watchPending(): Map<string, number>;
}

export interface Metrics {
  registry: Registry;
  /** A webhook delivery's result (the webhook trigger counts them): accepted, rejected, duplicate ... */
  webhook(task: string, result: string): void;
  close(): void;
}

/** The longest interval a Node timer takes (2^31 - 1 ms, ~24.8 days). */
const NEVER_MS = 2 ** 31 - 1;
const LATENESS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const DURATION_BUCKETS = [0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 1800, 3600, 7200];

export function createMetrics(source: MetricsSource): Metrics {
  const registry = new Registry();
  // prom-client's event-loop delay histogram samples every 10 ms, waking the idle daemon 100 times
  // a second: its timer is set as far off as Node allows (it never fires), and its seven gauges
  // are replaced by ones sampled once a second (eventLoopDelay.ts).
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: NEVER_MS });
  for (const stat of DELAY_GAUGES) registry.removeSingleMetric(`nodejs_eventloop_lag_${stat}_seconds`);
  const stopDelays = eventLoopDelayGauges(registry);
  // prom-client's gauges named *_total break Prometheus' naming rule (promtool check metrics
  // fails on them); the same counts stay, by type, in nodejs_active_handles and friends.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
  const runs = new Counter({
    name: 'conductor_runs_total',
    help: 'Finished attempts (and runs that never got one: skipped, cancelled before starting), by task and status.',
    labelNames: ['task', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'conductor_run_duration_seconds',
    help: 'How long each attempt ran, by task.',
    labelNames: ['task'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const lastSuccess = new Gauge({
    name: 'conductor_task_last_success_timestamp_seconds',
    help: "When each task's latest successful attempt ended (Unix time).",
    labelNames: ['task'],
    registers: [registry],
  });
  new Gauge({
    name: 'conductor_runs_running',
    help: 'Runs holding a slot: running, or waiting to retry (not an attempt queued for a worker).',
    registers: [registry],
    collect() {
      this.set(source.running());
    },
  });
  new Gauge({
    name: 'conductor_queue_depth',
    help: 'Runs waiting for a free slot, or for a worker to take their queued attempt.',
    registers: [registry],
    collect() {
      this.set(source.queued());
    },
  });
  const lateness = new Histogram({
    name: 'conductor_fire_lateness_seconds',
    help: 'Scheduled fires: from the scheduled instant to the start of the first attempt.',
    buckets: LATENESS_BUCKETS,
    registers: [registry],
  });
  new Gauge({
    name: 'conductor_watch_files_pending',
    help: 'Files in a watched folder not yet run, by task.',
    labelNames: ['task'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [task, count] of source.watchPending()) this.set({ task }, count);
    },
  });
  const webhooks = new Counter({
    name: 'conductor_webhooks_total',
    help: 'Webhook deliveries, by task and result.',
    labelNames: ['task', 'result'],
    registers: [registry],
  });
  for (const [task, at] of source.lastSuccesses()) lastSuccess.set({ task }, at / 1000);

  const off = source.onAny((event) => {
    if (event.type === 'attempt.ended') {
      runs.inc({ task: event.task, status: event.status });
      duration.observe({ task: event.task }, event.duration_ms / 1000);
      if (event.status === 'success') lastSuccess.set({ task: event.task }, Date.now() / 1000);
    } else if (event.type === 'run.ended' && event.attempts === 0) {
      runs.inc({ task: event.task, status: event.status });
    } else if (event.type === 'attempt.started' && event.attempt === 1 && event.trigger === 'schedule' && event.fire_at !== null) {
      lateness.observe(Math.max(0, event.at - event.fire_at) / 1000);
    }
  });
  return {
    registry,
    webhook: (task, result) => webhooks.inc({ task, result }),
    close: () => {
      off();
      stopDelays();
    },
  };
}
