// The JSON Schema of the config. It is built in (a config's "$schema" key needs no file) and
// also written to config/conductor_config.schema.json at build time so editors can show help.

/**
 * The longest duration a config may give, in seconds: a year. Beyond it a value is a mistake (or
 * `1e309`, which JSON reads as Infinity) that would reach timers and the spawn helper as nonsense.
 */
export const MAX_SECONDS = 365 * 24 * 60 * 60;

const seconds = (description: string, exclusiveMinimum = false) =>
  exclusiveMinimum
    ? { type: 'number', exclusiveMinimum: 0, maximum: MAX_SECONDS, description }
    : { type: 'number', minimum: 0, maximum: MAX_SECONDS, description };

function budgetSchema(whose: string) {
  return {
    type: ['object', 'null'],
    additionalProperties: false,
    description: `${whose}'s budget per UTC day: a fire once either is spent is skipped with the reason; a run already going is never cut by it.`,
    properties: {
      max_runtime_per_day: seconds('Seconds of runtime per UTC day (the attempts started that day).'),
      max_runs_per_day: { type: 'integer', minimum: 0, description: 'Runs per UTC day.' },
    },
  } as const;
}

function exitCodes(description: string) {
  return { type: 'array', items: { type: 'integer', minimum: 0, maximum: 255 }, uniqueItems: true, description } as const;
}

const taskSchema = {
  type: 'object',
  description: 'One task: a shell command with an optional cron schedule and dependencies.',
  additionalProperties: false,
  required: ['name', 'command'],
  properties: {
    name: {
      type: 'string',
      description:
        "Unique name; also the file name of the task's log and health file (letters, digits, '.', '_', '-'; at most 100 characters).",
    },
    command: {
      type: 'string',
      minLength: 1,
      description: 'Shell command, run as `/bin/sh -c COMMAND` in its own process group.',
    },
    description: { type: 'string', description: 'What the task does, for people reading status and graphs.' },
    schedule: {
      type: ['string', 'null'],
      description:
        'Cron expression: 5 fields, or 6 with seconds first, or a nickname such as @daily. Omit it (or null) for a task that runs only after its dependencies, or by hand.',
    },
    dependencies: {
      type: 'array',
      items: { type: 'string' },
      description: 'Names of tasks that must have succeeded (in their current period) before this one runs.',
    },
    timeout: seconds('Seconds before the run is stopped and recorded `timeout` (default: settings.task_timeout_default).', true),
    retry_count: {
      type: 'integer',
      minimum: 0,
      description: 'How many times a failed or timed-out run is retried (default 0).',
    },
    retry_delay: seconds('Seconds before the first retry (default 60).'),
    retry_backoff: {
      enum: ['fixed', 'linear', 'exponential'],
      description: 'How the delay grows between retries: fixed, linear (delay x n) or exponential (delay x 2^(n-1)); default fixed.',
    },
    retry_max_delay: seconds('Cap on the delay between retries, in seconds (default 3600; never below retry_delay).'),
    enabled: { type: 'boolean', description: 'A disabled task never runs, and its dependents are skipped (default true).' },
    cwd: {
      type: 'string',
      minLength: 1,
      description: 'Working directory of the command; relative to the home (default: the home).',
    },
    env: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: "Extra environment variables for the command, added to the daemon's environment.",
    },
    timezone: {
      type: 'string',
      description: 'IANA timezone of the schedule, e.g. Europe/Berlin (default: settings.timezone, else the system zone).',
    },
    concurrency_policy: {
      enum: ['forbid', 'allow', 'replace'],
      description:
        'When a fire comes while the previous run is still going: forbid (skip the new fire, the default), allow (run both), replace (stop the old run, start the new one).',
    },
    catch_up: {
      type: 'boolean',
      description: 'Run once at start-up if a fire was missed while the daemon was down, as systemd Persistent=true (default false).',
    },
    kill_grace: seconds('Seconds between SIGTERM and SIGKILL when a run is stopped (default 10).'),
    approval: {
      type: ['object', 'null'],
      additionalProperties: false,
      description:
        'Hold each run for a decision: a due run waits as awaiting_approval until `approve --run ID` (it then runs) or `reject --run ID` (skipped, and its dependents), or the timeout (skipped).',
      properties: {
        timeout: seconds('Seconds a run waits for a decision before it is skipped (default 86400, a day).', true),
        message: { type: 'string', description: 'What the approver should look at, shown with the waiting run and in the notification.' },
      },
    },
    budget: budgetSchema('This task'),
    retry_on_exit_codes: exitCodes('Only these exit codes are retried (a timeout is retried unless retry_on_timeout is false).'),
    no_retry_on_exit_codes: exitCodes('These exit codes are never retried.'),
    retry_on_timeout: { type: 'boolean', description: 'Retry a run that timed out (default true).' },
    queue: {
      type: 'string',
      description:
        "With settings.executor.type 'queue': the queue its attempts go to, taken by workers started with --queues NAME (letters, digits, '.', '_', '-'; default 'default').",
    },
    watch: {
      type: 'object',
      additionalProperties: false,
      required: ['path'],
      description:
        'A watched folder: one run per ready file that matches, the file handed over as CONDUCTOR_FILE, CONDUCTOR_FILE_NAME and CONDUCTOR_CORRELATION_ID.',
      properties: {
        path: { type: 'string', minLength: 1, description: 'The folder to watch (not recursive), relative to the home; created if missing.' },
        pattern: {
          type: 'string',
          minLength: 1,
          description: "Glob on the file name (* ? [abc] [!a-z]; default *). Names starting with '.' or ending .tmp, .part or ~ never match.",
        },
        settle_ms: { type: 'integer', minimum: 0, description: 'A file is ready when its size and mtime stayed the same this long (default 200).' },
        workers: { type: 'integer', minimum: 1, maximum: 256, description: "How many of this task's file runs go at once (its own pool; default 2)." },
        processed_dir: {
          type: ['string', 'null'],
          minLength: 1,
          description: 'Where a file is moved (renamed) after its run succeeded (default <path>/processed; null leaves it in place).',
        },
        failed_dir: {
          type: ['string', 'null'],
          minLength: 1,
          description: 'Where a file is moved (renamed) after its run failed for good (default <path>/failed; null leaves it in place).',
        },
        json: { type: 'boolean', description: 'Parse the file as JSON first: invalid JSON fails the file without running the command (default false).' },
        json_schema: {
          type: 'string',
          minLength: 1,
          description: 'A JSON Schema file (relative to the home) the file must match; a mismatch fails it without running the command. Implies json.',
        },
      },
    },
    webhook: {
      type: 'object',
      additionalProperties: false,
      description:
        'POST /hooks/<task> runs the task (trigger webhook), the body saved to status/payloads/<run_id>.json and handed over as CONDUCTOR_PAYLOAD_FILE, with CONDUCTOR_EVENT and CONDUCTOR_DELIVERY.',
      properties: {
        secret_env: {
          type: 'string',
          pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
          description:
            "The environment variable holding the secret of GitHub's X-Hub-Signature-256 (HMAC-SHA256 of the body); unset at start is a config error. Without it the hook needs the API token.",
        },
        events: {
          type: 'array',
          items: { type: 'string', minLength: 1 },
          minItems: 1,
          uniqueItems: true,
          description: 'Only these X-GitHub-Event values start a run; another is answered 202 {"ignored": "event X"} (default: every event).',
        },
      },
    },
  },
} as const;

const settingsSchema = {
  type: 'object',
  description: 'Settings of the whole scheduler.',
  additionalProperties: false,
  properties: {
    max_concurrent_tasks: {
      type: 'integer',
      minimum: 1,
      description: 'How many task runs may go at once; the rest queue (default 3).',
    },
    task_history_retention_days: {
      type: 'number',
      minimum: 0,
      description: 'History rows older than this many days are pruned daily (default 30; 0 keeps everything).',
    },
    task_timeout_default: seconds('Timeout in seconds of tasks that set none (default 3600).', true),
    notification_webhook: {
      type: ['string', 'null'],
      description: 'URL that receives a JSON POST when a task fails for good, times out, or recovers.',
    },
    enable_notifications: { type: 'boolean', description: 'Send notifications to notification_webhook (default false).' },
    timezone: {
      type: 'string',
      description: 'IANA timezone of schedules that name none (default: the system zone).',
    },
    shutdown_timeout: seconds('Seconds the daemon lets running tasks finish on SIGTERM before stopping them (default 30).'),
    log_max_bytes: {
      type: 'integer',
      minimum: 1024,
      description: 'A task log over this size is rotated before the next attempt (default 10485760, 10 MiB).',
    },
    log_keep: {
      type: 'integer',
      minimum: 0,
      description: 'How many rotated task logs to keep (<task>.log.1 ... .N; default 5).',
    },
    budget: budgetSchema('Every task without its own'),
    http: {
      type: 'object',
      additionalProperties: false,
      description: "The daemon's HTTP server: the token-protected API, live events, Prometheus metrics and GET /health.",
      properties: {
        enabled: { type: 'boolean', description: 'Serve HTTP (default true).' },
        host: { type: 'string', minLength: 1, description: 'Address to listen on (default 127.0.0.1; a non-loopback address needs allow_remote).' },
        port: { type: 'integer', minimum: 0, maximum: 65535, description: 'Port to listen on (default 8080; 0 picks a free port, written to status/http.url).' },
        allow_remote: {
          type: 'boolean',
          description: 'Allow a host that is not a loopback address: the API can run commands (default false).',
        },
        tokens: {
          type: 'array',
          description: 'Extra API tokens besides the main one, each read from an environment variable at start; the audit log names the label.',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['label', 'env'],
            properties: {
              label: { type: 'string', description: 'Who uses the token, as the audit log shows it (api:<label>).' },
              env: { type: 'string', description: 'The environment variable that holds the token.' },
            },
          },
        },
      },
    },
    executor: {
      type: 'object',
      additionalProperties: false,
      description: "Where attempts run: 'local' processes (the default), or 'queue': BullMQ jobs in Redis that `symphony-conductor worker` processes take.",
      properties: {
        type: { enum: ['local', 'queue'], description: "'local' (default) or 'queue'." },
        redis_url: { type: 'string', description: "With type 'queue': the Redis of the queue, e.g. redis://127.0.0.1:6379/0 (required)." },
        prefix: {
          type: 'string',
          description: "Names the queues (<prefix>.<queue>) and the conductor's keys in Redis (default 'conductor').",
        },
      },
    },
    ha: {
      type: 'object',
      additionalProperties: false,
      required: ['redis_url', 'cluster'],
      description:
        'A standby scheduler: every `start` with this joins the cluster; one node holds a lease in Redis and fires, the others stand by and take over within 15 s when it dies.',
      properties: {
        redis_url: { type: 'string', description: 'The Redis the nodes share, e.g. redis://127.0.0.1:6379/0 (required).' },
        cluster: {
          type: 'string',
          description: "The cluster's name: its keys in Redis are conductor:<cluster>:... (letters, digits, '.', '_', '-'; required).",
        },
        lease_seconds: {
          type: 'integer',
          minimum: 2,
          maximum: 60,
          description: 'How long the lease lasts without a renewal (default 10): a standby takes over at most about this long plus a tenth after the leader died.',
        },
      },
    },
  },
} as const;

export const configSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://symphony-conductor.dev/conductor_config.schema.json',
  title: 'symphony-conductor config',
  description: 'Tasks (shell commands with cron schedules and dependencies) and scheduler settings.',
  type: 'object',
  additionalProperties: false,
  required: ['tasks'],
  properties: {
    $schema: { type: 'string', description: 'Path or URL of this schema, for editors; not needed by the conductor.' },
    tasks: { type: 'array', items: taskSchema, description: 'The tasks to schedule.' },
    settings: settingsSchema,
  },
} as const;

/** The keys a task may have, for "did you mean" hints. */
export const taskKeys = Object.keys(taskSchema.properties);
export const settingsKeys = Object.keys(settingsSchema.properties);
