// The HTTP settings a schema cannot judge: a host off the loopback needs `allow_remote` (the API
// runs commands), and every extra token has a label of its own and a usable variable name.
import type { Problem } from '../errors.js';

const LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The main token's label in the audit log (`api:default`); an extra token may not take it. */
export const MAIN_TOKEN_LABEL = 'default';

/** The extra tokens whose environment variable is not set (or empty), each named where the config names it. */
export function tokenEnvProblems(tokens: readonly { label: string; env: string }[], env: Readonly<Record<string, string | undefined>>): Problem[] {
  return tokens.flatMap((token, index) =>
    (env[token.env] ?? '') === ''
      ? [{ where: `/settings/http/tokens/${index}/env`, message: `the environment variable ${token.env} (token "${token.label}") is ${env[token.env] === undefined ? 'not set' : 'empty'}` }]
      : [],
  );
}

/** True for a host only this machine can reach: localhost, 127.0.0.0/8, ::1. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(bare.replace(/^::ffff:/, ''));
  return v4 !== null && v4.slice(1).every((part) => Number(part) <= 255);
}

/** Problems of `settings.http` (already well-typed parts only), each with its JSON pointer. */
export function httpProblems(http: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  if (typeof http.host === 'string' && http.enabled !== false && http.allow_remote !== true && !isLoopbackHost(http.host)) {
    problems.push({
      where: '/settings/http/host',
      message: `"${http.host}" is not a loopback address; the API can run commands, so listening there needs settings.http.allow_remote: true`,
    });
  }
  if (!Array.isArray(http.tokens)) return problems;
  const seen = new Map<string, number>();
  (http.tokens as unknown[]).forEach((token, index) => {
    if (typeof token !== 'object' || token === null) return;
    const { label, env } = token as { label?: unknown; env?: unknown };
    const at = `/settings/http/tokens/${index}`;
    if (typeof label === 'string') {
      if (!LABEL.test(label)) problems.push({ where: `${at}/label`, message: `"${label}" is not a usable label (letters, digits, '.', '_', '-'; at most 64)` });
      else if (label === MAIN_TOKEN_LABEL) problems.push({ where: `${at}/label`, message: `"${MAIN_TOKEN_LABEL}" is the main token's label; choose another` });
      else if (seen.has(label)) problems.push({ where: `${at}/label`, message: `duplicate label "${label}" (first at /settings/http/tokens/${seen.get(label)})` });
      else seen.set(label, index);
    }
    if (typeof env === 'string' && !ENV_NAME.test(env)) {
      problems.push({ where: `${at}/env`, message: `"${env}" is not an environment variable name` });
    }
  });
  return problems;
}

/**
 * With the HTTP server off, what of the config nothing can reach: a webhook (it is delivered to
 * the daemon's port), and an approval gate (approve and reject reach the daemon through its API,
 * so its runs could only expire). Warnings: the config still runs.
 */
export function httpOffWarnings(settings: Record<string, unknown>, rawTasks: unknown[]): Problem[] {
  const http = settings.http;
  if (typeof http !== 'object' || http === null || (http as Record<string, unknown>).enabled !== false) return [];
  const warnings: Problem[] = [];
  rawTasks.forEach((task, index) => {
    if (typeof task !== 'object' || task === null) return;
    const { webhook, approval } = task as Record<string, unknown>;
    if (typeof webhook === 'object' && webhook !== null) {
      warnings.push({ where: `/tasks/${index}/webhook`, message: 'settings.http.enabled is false: nothing can deliver to this webhook (it is served on the daemon\'s HTTP port)' });
    }
    if (typeof approval === 'object' && approval !== null) {
      warnings.push({
        where: `/tasks/${index}/approval`,
        message: "settings.http.enabled is false: approve and reject reach the daemon through its API, so the daemon's runs of this task could only expire (run --task TASK --approved still runs it by hand)",
      });
    }
  });
  return warnings;
}
