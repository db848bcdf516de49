// The documented defaults (SPEC "Details that are decided"), applied after validation.
import type { Config, Settings, Task, WatchSpec } from '../types.js';

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
  http: { enabled: false, host: '127.0.0.1', port: 8080 },
};

type RawWatch = Partial<WatchSpec> & { path: string };
type RawTask = Partial<Omit<Task, 'watch'>> & { name: string; command: string; watch?: RawWatch | null };
type RawSettings = Partial<Omit<Settings, 'http'>> & { http?: Partial<Settings['http']> };

export function withSettingsDefaults(raw: RawSettings | undefined): Settings {
  const given = raw ?? {};
  return {
    ...DEFAULT_SETTINGS,
    ...dropUndefined(given),
    http: { ...DEFAULT_SETTINGS.http, ...dropUndefined(given.http ?? {}) },
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
    watch: raw.watch ? withWatchDefaults(raw.watch) : null,
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
