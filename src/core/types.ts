// The vocabulary of the product, shared by every layer. Pure data, no behaviour.
//
// Glossary:
//   Task      - one entry of the config: a shell command with a schedule and dependencies.
//   Fire      - one instant at which a task's schedule says it is due.
//   Run       - one execution of a task for one fire (or one manual/once request); it has
//               one or more attempts, all sharing its run id.
//   Attempt   - one process started for a run; every attempt is a history row.
//   Watermark - the last fire instant a task has been dealt with, persisted so a restart
//               neither loses nor repeats a fire.
//   Request   - the one way into the scheduler: a source (cron, a dependency, catch-up, run --all,
//               the API, a webhook, a watched file) asks for a run of a task; the run is a row from
//               that moment on, so a queued or waiting run survives a restart.

/** The status of a history row (an attempt, or a run that never got one). */
export type RunStatus =
  | 'queued'
  | 'awaiting_approval'
  | 'running'
  | 'success'
  | 'failed'
  | 'timeout'
  | 'skipped'
  | 'interrupted'
  | 'cancelled';
/** How a run ended for good. */
export type FinalStatus = 'success' | 'failed' | 'timeout' | 'skipped' | 'interrupted' | 'cancelled';
/** Where a run is in its life: its row in `runs`. `waiting` is a scheduled fire waiting on a dependency. */
export type RunState = 'queued' | 'waiting' | 'awaiting_approval' | 'running' | 'retrying' | FinalStatus;
export type Trigger = 'schedule' | 'dependency' | 'catch_up' | 'manual' | 'once' | 'watch' | 'webhook' | 'api';
export type RetryBackoff = 'fixed' | 'linear' | 'exponential';
export type ConcurrencyPolicy = 'forbid' | 'allow' | 'replace';

/** A task with every default filled in; durations are seconds as in the config. */
export interface Task {
  name: string;
  command: string;
  description: string | null;
  schedule: string | null;
  dependencies: string[];
  timeout: number;
  retry_count: number;
  retry_delay: number;
  retry_backoff: RetryBackoff;
  retry_max_delay: number;
  enabled: boolean;
  cwd: string | null;
  env: Record<string, string>;
  timezone: string | null;
  concurrency_policy: ConcurrencyPolicy;
  catch_up: boolean;
  kill_grace: number;
  /** Runs wait for an operator's decision (null: they run at once). */
  approval: Approval | null;
  /** Its own, else the settings' (null: unlimited). */
  budget: Budget | null;
  /** Only these exit codes are retried (null: any failure). */
  retry_on_exit_codes: number[] | null;
  /** These exit codes are never retried (null: none). */
  no_retry_on_exit_codes: number[] | null;
  retry_on_timeout: boolean;
  /** The queue a `queue` executor sends the task's attempts to (`default` when the task names none). */
  queue: string;
  /** A watched folder: one run per ready file (spec/triggers.md); null when the task watches none. */
  watch: WatchSpec | null;
  /** `POST /hooks/<task>` starts a run (spec/triggers.md); null when the task takes no webhook. */
  webhook: WebhookSpec | null;
}

/** A task's webhook: the variable holding its HMAC secret (null: the API token instead), the events it runs for (null: all). */
export interface WebhookSpec {
  secret_env: string | null;
  events: string[] | null;
}

/** A task's watched folder with every default filled in; paths as in the config (relative to the home). */
export interface WatchSpec {
  path: string;
  pattern: string;
  settle_ms: number;
  workers: number;
  /** Where a file goes after its run succeeded / failed for good; null leaves it in place. */
  processed_dir: string | null;
  failed_dir: string | null;
  /** Parse the file as JSON before its run (implied by json_schema). */
  json: boolean;
  json_schema: string | null;
}

export interface Approval {
  /** Seconds a run waits for a decision. */
  timeout: number;
  message: string | null;
}

export interface Budget {
  max_runtime_per_day: number | null;
  max_runs_per_day: number | null;
}

/** An extra API token: its value is read from the environment variable `env` at start. */
export interface HttpToken {
  label: string;
  env: string;
}

export interface HttpSettings {
  enabled: boolean;
  host: string;
  port: number;
  /** Binding a non-loopback host needs this: the API can run commands. */
  allow_remote: boolean;
  tokens: HttpToken[];
}

/** Where attempts run: `local` processes, or jobs on a BullMQ queue in Redis taken by workers. */
export interface ExecutorSettings {
  type: 'local' | 'queue';
  /** `redis://host:port/db` of the queue; null for the local executor. */
  redis_url: string | null;
  /** Names the BullMQ queues (`<prefix>.<queue>`) and the conductor's own Redis keys. */
  prefix: string;
}

/** A standby scheduler: the nodes of a cluster share a Redis; one holds the lease and fires. */
export interface HaSettings {
  redis_url: string;
  /** Names the cluster's keys in Redis (`conductor:<cluster>:...`). */
  cluster: string;
  /** How long the lease lasts without a renewal. */
  lease_seconds: number;
}

export interface Settings {
  max_concurrent_tasks: number;
  task_history_retention_days: number;
  task_timeout_default: number;
  notification_webhook: string | null;
  enable_notifications: boolean;
  timezone: string | null;
  shutdown_timeout: number;
  log_max_bytes: number;
  log_keep: number;
  http: HttpSettings;
  budget: Budget | null;
  executor: ExecutorSettings;
  /** null: one scheduler, no cluster. */
  ha: HaSettings | null;
}

export interface Config {
  tasks: Task[];
  settings: Settings;
}

/** One history row: one attempt of a run, or one skipped fire. Times are ISO 8601 UTC. */
export interface RunRecord {
  run_id: string;
  task: string;
  attempt: number;
  trigger: Trigger;
  status: RunStatus;
  started_at: string;
  finished_at: string | null;
  exit_code: number | null;
  signal: string | null;
  duration_ms: number | null;
  reason: string | null;
  /** The worker that ran this attempt (queue executor), null for a local run. */
  worker: string | null;
}

/** The content of a health file: `status:timestamp:exit_code`. */
export interface Health {
  status: RunStatus;
  timestamp: string;
  exit_code: number | null;
}

/** Who did an operator action, through what. */
export type AuditSource = 'cli' | 'api' | 'daemon';
export type AuditAction = 'run' | 'pause' | 'resume' | 'cancel' | 'reload' | 'config_change' | 'approve' | 'reject';

/** One row of the audit log. `actor`: the OS user (CLI), `api:<token label>` (API), `signal` (SIGHUP). */
export interface AuditRecord {
  at: string;
  actor: string;
  source: AuditSource;
  action: AuditAction;
  task: string | null;
  run_id: string | null;
  detail: string | null;
}
