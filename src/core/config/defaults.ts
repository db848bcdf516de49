// The documented defaults (SPEC "Details that are decided"), applied after validation.
import type { Approval, Budget, Config, HaSettings, Settings, Task, WatchSpec, WebhookSpec } from '../types.js';

export const DEFAULT_SETTINGS: Settings = {
  max_concurrent_tasks: 3,
  task_history_retention_days: 30,
  task_timeout_default: 3600,
  notification_webhook: null,
  enable_notifications: false,
  timezone: null,
  shutdown_timeout: 30,
  log_max_bytes: 10 * 1024 * 1024,
  log_keep: 5,
  http: { enabled: true, host: '127.0.0.1', port: 8080, allow_remote: false, tokens: [] },
  budget: null,
  executor: { type: 'local', redis_url: null, prefix: 'conductor' },
  ha: null,
};

/** A lease of 10 s: a standby takes over about 11 s after the leader died. */
export const DEFAULT_LEASE_SECONDS = 10;

/** A run waits a day for a decision unless the task says otherwise. */
export const DEFAULT_APPROVAL_TIMEOUT = 86_400;

type RawBudget = Partial<Budget> | null;
type RawWatch = Partial<WatchSpec> & { path: string };
type RawTask = Partial<Omit<Task, 'approval' | 'budget' | 'watch' | 'webhook'>> & {
  name: string;
  command: string;
  watch?: RawWatch | null;
  webhook?: Partial<WebhookSpec> | null;
  approval?: Partial<Approval> | null;
  budget?: RawBudget;
};
type RawSettings = Partial<Omit<Settings, 'http' | 'budget' | 'executor' | 'ha'>> & {
  http?: Partial<Settings['http']>;
  budget?: RawBudget;
  executor?: Partial<Settings['executor']>;
  ha?: Partial<HaSettings> | null;
};

function withBudgetDefaults(raw: RawBudget | undefined): Budget | null {
  if (!raw) return null;
  return { max_runtime_per_day: raw.max_runtime_per_day ?? null, max_runs_per_day: raw.max_runs_per_day ?? null };
}

export function withSettingsDefaults(raw: RawSettings | undefined): Settings {
  const given = raw ?? {};
  return {
    ...DEFAULT_SETTINGS,
    ...dropUndefined(given),
    http: { ...DEFAULT_SETTINGS.http, ...dropUndefined(given.http ?? {}) },
    budget: withBudgetDefaults(given.budget),
    executor: { ...DEFAULT_SETTINGS.executor, ...dropUndefined(given.executor ?? {}) },
    ha: given.ha ? ({ lease_seconds: DEFAULT_LEASE_SECONDS, ...dropUndefined(given.ha) } as HaSettings) : null,
  } as Settings;
}

/** Fills every optional task field from the settings and the documented defaults. */
export function withTaskDefaults(raw: RawTask, settings: Settings): Task {
  const retryDelay = raw.retry_delay ?? 60;
  return {
    name: raw.name,
    command: raw.command,
    description: raw.description ?? null,
    schedule: raw.schedule ?? null,
    dependencies: raw.dependencies ?? [],
    timeout: raw.timeout ?? settings.task_timeout_default,
    retry_count: raw.retry_count ?? 0,
    retry_delay: retryDelay,
    retry_backoff: raw.retry_backoff ?? 'fixed',
    retry_max_delay: Math.max(raw.retry_max_delay ?? 3600, retryDelay),
    enabled: raw.enabled ?? true,
    cwd: raw.cwd ?? null,
    env: raw.env ?? {},
    timezone: raw.timezone ?? null,
    concurrency_policy: raw.concurrency_policy ?? 'forbid',
    catch_up: raw.catch_up ?? false,
    kill_grace: raw.kill_grace ?? 10,
    approval: raw.approval ? { timeout: raw.approval.timeout ?? DEFAULT_APPROVAL_TIMEOUT, message: raw.approval.message ?? null } : null,
    budget: withBudgetDefaults(raw.budget === undefined ? settings.budget : raw.budget),
    retry_on_exit_codes: raw.retry_on_exit_codes ?? null,
    no_retry_on_exit_codes: raw.no_retry_on_exit_codes ?? null,
    retry_on_timeout: raw.retry_on_timeout ?? true,
    queue: raw.queue ?? 'default',
    watch: raw.watch ? withWatchDefaults(raw.watch) : null,
    webhook: raw.webhook ? { secret_env: raw.webhook.secret_env ?? null, events: raw.webhook.events ?? null } : null,
  };
}

/** spec/triggers.md: pattern `*`, settle 200 ms, 2 workers, `<path>/processed` and `<path>/failed`. */
export function withWatchDefaults(raw: RawWatch): WatchSpec {
  const folder = raw.path.replace(/\/+$/, '') || '/';
  return {
    path: raw.path,
    pattern: raw.pattern ?? '*',
    settle_ms: raw.settle_ms ?? 200,
    workers: raw.workers ?? 2,
    processed_dir: raw.processed_dir === undefined ? `${folder}/processed` : raw.processed_dir,
    failed_dir: raw.failed_dir === undefined ? `${folder}/failed` : raw.failed_dir,
    json: raw.json ?? raw.json_schema !== undefined,
    json_schema: raw.json_schema ?? null,
  };
}

export function withDefaults(raw: { tasks: RawTask[]; settings?: RawSettings }): Config {
  const settings = withSettingsDefaults(raw.settings);
  return { settings, tasks: raw.tasks.map((task) => withTaskDefaults(task, settings)) };
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
