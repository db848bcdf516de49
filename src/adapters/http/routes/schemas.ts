// The request shapes the routes take, as JSON Schemas (Fastify checks them with ajv): paths,
// query strings and bodies; anything else in them is a 400 that names it.
const RUN_STATUSES = ['queued', 'awaiting_approval', 'running', 'success', 'failed', 'timeout', 'skipped', 'interrupted', 'cancelled'];
const TRIGGERS = ['schedule', 'dependency', 'catch_up', 'manual', 'once', 'watch', 'webhook', 'api'];

export const MAX_PAGE = 1000;

// No maxLength on a name or a run id in the path: one longer than any there can be is not
// found (404, "no task named ..."), as any other unknown one; the request line bounds it.
export const taskParams = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1 } },
} as const;

export const runParams = {
  type: 'object',
  required: ['run_id'],
  properties: { run_id: { type: 'string', minLength: 1 } },
} as const;

export const runsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    task: { type: 'string', minLength: 1, maxLength: 200 },
    status: { enum: RUN_STATUSES },
    trigger: { enum: TRIGGERS },
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 50 },
    before: { type: 'string', minLength: 1, maxLength: 64 },
  },
} as const;

export const auditQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    since: { type: 'string', minLength: 1, maxLength: 64 },
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 100 },
  },
} as const;

export const logQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { follow: { enum: ['0', '1', 'true', 'false'] } },
} as const;

/** `cli_user`: only the CLI sends it (`run --task` through the daemon, pause, cancel ...): the OS user, for the audit log. */
const cliUser = { type: 'string', minLength: 1, maxLength: 64 } as const;

export const runBody = {
  type: 'object',
  additionalProperties: false,
  properties: { with_deps: { type: 'boolean' }, approved: { type: 'boolean' }, cli_user: cliUser },
} as const;

export const actorBody = {
  type: 'object',
  additionalProperties: false,
  properties: { cli_user: cliUser },
} as const;

export const cancelBody = {
  type: 'object',
  additionalProperties: false,
  properties: { cli_user: cliUser, interrupted_by: { enum: ['SIGINT', 'SIGTERM', 'SIGHUP'] } },
} as const;

export const decisionBody = {
  type: 'object',
  additionalProperties: false,
  properties: { comment: { type: 'string', maxLength: 2000 }, cli_user: cliUser },
} as const;
