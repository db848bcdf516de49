// Signed webhooks on a real daemon (spec/triggers.md): a GitHub-signed delivery runs the task
// with its payload file (content and 0600 mode seen from inside the task), the event filter, every
// refusal with its status and the error shape (nothing written but a log line), the API-token
// path of a hook without a secret, redeliveries answered with the first run (across a restart
// too), the metrics, and `validate`/`start` refusing an unset secret_env.
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHome, runCli } from '../../helpers/cli.js';
import { killDaemons, startDaemon, type Daemon } from '../../helpers/daemon.js';
import { rows, waitFor } from '../../helpers/wait.js';

const SECRET = 'It is a s3cret, with spaces';
const ENV = { HOOK_SECRET: SECRET };
let home: string;
let out: string;
let daemon: Daemon;

// The task reports what it was handed: the payload file's mode and content, the event, the delivery.
const report = (out: string) =>
  `d="${out}/$CONDUCTOR_RUN_ID"; mkdir -p "$d" && stat -c %a "$CONDUCTOR_PAYLOAD_FILE" > "$d/mode" && cat "$CONDUCTOR_PAYLOAD_FILE" > "$d/body" && ` +
  `printf %s "$CONDUCTOR_EVENT" > "$d/event" && printf %s "$CONDUCTOR_DELIVERY" > "$d/delivery" && printf %s "$CONDUCTOR_PAYLOAD_FILE" > "$d/file"`;

beforeAll(async () => {
  home = makeHome();
  out = path.join(home, 'out');
  const config = {
    tasks: [
      { name: 'deploy', command: report(out), concurrency_policy: 'allow', webhook: { secret_env: 'HOOK_SECRET', events: ['push', 'release'] } },
      { name: 'open_hook', command: report(out), concurrency_policy: 'allow', webhook: {} },
      { name: 'plain', command: 'true' },
      { name: 'off', command: 'true', enabled: false, webhook: {} },
    ],
    settings: { http: { port: 0 } },
  };
  fs.mkdirSync(path.join(home, 'config'), { recursive: true });
  fs.writeFileSync(path.join(home, 'config', 'conductor_config.json'), JSON.stringify(config));
  daemon = await startDaemon(home, ENV);
});
afterAll(killDaemons);

const sign = (body: string | Buffer, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

function hook(task: string, body: string | Buffer, headers: Record<string, string> = {}, token: string | null = null): Promise<Response> {
  const all: Record<string, string> = { 'content-type': 'application/json', ...headers };
  if (token !== null) all.authorization = `Bearer ${token}`;
  return fetch(`${daemon.url}/hooks/${task}`, { method: 'POST', headers: all, body });
}

const github = (body: string, delivery: string, event = 'push') => ({ 'x-hub-signature-256': sign(body), 'x-github-event': event, 'x-github-delivery': delivery });
const json = async (response: Response) => ({ status: response.status, body: (await response.json()) as any });
const hookRows = () => rows(home).filter((r) => r.trigger === 'webhook');
const payloads = () => (fs.existsSync(path.join(home, 'status', 'payloads')) ? fs.readdirSync(path.join(home, 'status', 'payloads')).sort() : []);
function deliveries(): { task: string; delivery: string; run_id: string }[] {
  const db = new Database(path.join(home, 'status', 'conductor.db'), { readonly: true, timeout: 5000 });
  try {
    return db.prepare('SELECT task, delivery, run_id FROM webhook_deliveries ORDER BY at').all() as never;
  } finally {
    db.close();
  }
}
const succeeded = (runId: string) => waitFor(() => rows(home).find((r) => r.run_id === runId && r.status === 'success'), `run ${runId} to succeed`);
const seen = (runId: string, what: string) => fs.readFileSync(path.join(out, runId, what), 'utf8');

describe('a GitHub-signed delivery', () => {
  it('is accepted at once (202 {run_id}) and runs the task with the body in a 0600 payload file', async () => {
    const body = JSON.stringify({ ref: 'refs/heads/main', note: "quotes ' \" and $(rm -rf /) stay data", unicode: 'ünï' });
    const { status, body: answer } = await json(await hook('deploy', body, github(body, 'd-0001')));
    expect(status).toBe(202);
    expect(answer.run_id).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{8}$/);
    const row = await succeeded(answer.run_id);
    expect(row).toMatchObject({ task: 'deploy', trigger: 'webhook' });
    const file = path.join(home, 'status', 'payloads', `${answer.run_id}.json`);
    expect(seen(answer.run_id, 'file')).toBe(file);
    expect(seen(answer.run_id, 'mode')).toBe('600\n');
    expect(seen(answer.run_id, 'body')).toBe(body);
    expect(seen(answer.run_id, 'event')).toBe('push');
    expect(seen(answer.run_id, 'delivery')).toBe('d-0001');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(deliveries()).toContainEqual({ task: 'deploy', delivery: 'd-0001', run_id: answer.run_id });
  });

  it("runs an event its filter lists, and answers another one 202 {ignored} without a run", async () => {
    const body = '{"action":"published"}';
    const taken = await json(await hook('deploy', body, github(body, 'd-0002', 'release')));
    expect(taken.status).toBe(202);
    await succeeded(taken.body.run_id);
    const before = { runs: hookRows().length, files: payloads(), deliveries: deliveries().length };
    const other = await json(await hook('deploy', body, github(body, 'd-0003', 'issues')));
    expect(other).toEqual({ status: 202, body: { ignored: 'event issues' } });
    const none = await json(await hook('deploy', body, { 'x-hub-signature-256': sign(body), 'x-github-delivery': 'd-0004' }));
    expect(none).toEqual({ status: 202, body: { ignored: 'event (none)' } });
    expect({ runs: hookRows().length, files: payloads(), deliveries: deliveries().length }).toEqual(before);
  });
});

describe('refusals: nothing runs and nothing is written but a log line', () => {
  const body = '{"zen":"Keep it logically awesome."}';
  const good = sign(body);
  it.each([
    ['a missing signature', {}, /needs the header X-Hub-Signature-256/],
    ['an empty signature', { 'x-hub-signature-256': '' }, /needs the header X-Hub-Signature-256/],
    ['a forged signature (right shape, another secret)', { 'x-hub-signature-256': sign(body, 'not the secret') }, /wrong signature/],
    ['a signature of another body', { 'x-hub-signature-256': sign(`${body} `) }, /wrong signature/],
    ['a truncated signature', { 'x-hub-signature-256': good.slice(0, 40) }, /64 hex digits/],
    ['a signature of the wrong length', { 'x-hub-signature-256': `${good}00` }, /64 hex digits/],
    ['a signature without its prefix', { 'x-hub-signature-256': good.slice('sha256='.length) }, /must be "sha256="/],
    ['a SHA-1 signature (the old header)', { 'x-hub-signature': `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}` }, /needs the header/],
    ['the API token instead of a signature, on a hook with a secret', { authorization: `Bearer ${'x'}` }, /needs the header/],
  ])('%s: 401', async (_what, headers, message) => {
    const before = { runs: hookRows().length, files: payloads(), deliveries: deliveries().length };
    const answer = await json(await hook('deploy', body, { 'x-github-event': 'push', 'x-github-delivery': `refused-${Math.random()}`, ...headers }));
    expect(answer.status).toBe(401);
    expect(answer.body.error).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(message) });
    expect({ runs: hookRows().length, files: payloads(), deliveries: deliveries().length }).toEqual(before);
  });

  it.each([
    ['an unknown task', 'nosuch', 404, 'not_found', /no task named nosuch/],
    ['a task without webhook', 'plain', 404, 'not_found', /task plain takes no webhook/],
    ['a disabled task', 'off', 409, 'conflict', /task off is disabled/],
  ])('%s: %i', async (_what, task, status, code, message) => {
    const answer = await json(await hook(task, body, github(body, 'whatever'), daemon.token));
    expect(answer).toMatchObject({ status, body: { error: { code, message: expect.stringMatching(message) } } });
  });

  it.each([
    ['not JSON', 'ref=main', 'application/json', /must be JSON.*Unexpected token/],
    ['a form-encoded delivery', 'payload=%7B%7D', 'application/x-www-form-urlencoded', /must be JSON \(set the hook's content type to application\/json\)/],
    ['an empty body', '', 'application/json', /the body is empty/],
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'application/json', /not UTF-8/],
  ])('%s, correctly signed: 400', async (_what, text, type, message) => {
    const before = { runs: hookRows().length, files: payloads() };
    const answer = await json(await hook('deploy', text, { ...github(text.toString(), 'bad-body'), 'x-hub-signature-256': sign(text), 'content-type': type }));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'bad_request', message: expect.stringMatching(message) });
    expect({ runs: hookRows().length, files: payloads() }).toEqual(before);
  });

  it('a 2 MiB body: 413 with the error shape', async () => {
    const big = JSON.stringify({ pad: 'z'.repeat(2 * 1024 * 1024) });
    const answer = await json(await hook('deploy', big, github(big, 'big')));
    expect(answer.status).toBe(413);
    expect(answer.body.error).toMatchObject({ code: 'too_large', message: expect.stringMatching(/larger than the 1048576 bytes/) });
    expect(deliveries().map((d) => d.delivery)).not.toContain('big');
  });

  it('each refusal leaves one log line naming the task and why', async () => {
    await waitFor(() => daemon.output().includes('webhook refused: wrong signature'), 'the log line of a forged signature');
    expect(daemon.output()).toMatch(/webhook refused: the body is larger than the 1048576 bytes/);
  });
});

describe('a hook without secret_env', () => {
  const body = '{"hello":"world"}';
  it.each([
    ['no token', null, /needs the API token: this route needs a token/],
    ['a wrong token', 'f'.repeat(64), /needs the API token: wrong token/],
  ])('refuses %s: 401', async (_what, token, message) => {
    const answer = await json(await hook('open_hook', body, github(body, 'tok-refused'), token));
    expect(answer.status).toBe(401);
    expect(answer.body.error.message).toMatch(message);
  });

  it('takes the API token (Bearer) and runs, with no event or delivery headers needed', async () => {
    const answer = await json(await hook('open_hook', body, {}, daemon.token));
    expect(answer.status).toBe(202);
    await succeeded(answer.body.run_id);
    expect(seen(answer.body.run_id, 'body')).toBe(body);
    expect(seen(answer.body.run_id, 'event')).toBe('');
    expect(seen(answer.body.run_id, 'delivery')).toBe('');
  });
});

describe('redeliveries', () => {
  const body = '{"after":"abc123"}';
  let first: string;
  it('the same X-GitHub-Delivery twice: 200 with the first run_id, and no second run', async () => {
    const one = await json(await hook('deploy', body, github(body, 'redeliver-1')));
    expect(one.status).toBe(202);
    first = one.body.run_id;
    const two = await json(await hook('deploy', body, github(body, 'redeliver-1')));
    expect(two).toEqual({ status: 200, body: { run_id: first, duplicate: true } });
    await succeeded(first);
    expect(hookRows().filter((r) => r.run_id === first)).toHaveLength(1);
    expect(deliveries().filter((d) => d.delivery === 'redeliver-1')).toEqual([{ task: 'deploy', delivery: 'redeliver-1', run_id: first }]);
  });

  it('counts every result in conductor_webhooks_total{task, result}', async () => {
    const text = await (await fetch(`${daemon.url}/metrics`)).text();
    const count = (task: string, result: string) => Number(new RegExp(`^conductor_webhooks_total\\{task="${task}",result="${result}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    expect(count('deploy', 'accepted')).toBe(3);
    expect(count('deploy', 'ignored')).toBe(2);
    expect(count('deploy', 'duplicate')).toBe(1);
    expect(count('deploy', 'unauthorized')).toBe(9);
    expect(count('deploy', 'bad_request')).toBe(4);
    expect(count('deploy', 'too_large')).toBe(1);
    expect(count('open_hook', 'unauthorized')).toBe(2);
    expect(count('open_hook', 'accepted')).toBe(1);
    expect(count('plain', 'not_found')).toBe(1);
    expect(text).not.toMatch(/task="nosuch"/);
  });

  it('a redelivery after a restart of the daemon still answers the first run, and runs nothing', async () => {
    expect(await daemon.stop()).toBe(0);
    const runsBefore = hookRows().length;
    // A payload older than the history kept (30 days by default) goes with the prune at start; the others stay.
    const stale = path.join(home, 'status', 'payloads', '20200101T000000Z-0badf00d.json');
    fs.writeFileSync(stale, '{}', { mode: 0o600 });
    fs.utimesSync(stale, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
    const kept = payloads().filter((name) => name !== path.basename(stale));
    daemon = await startDaemon(home, ENV);
    expect(payloads()).toEqual(kept);
    expect(kept).toContain(`${first}.json`);
    const again = await json(await hook('deploy', body, github(body, 'redeliver-1')));
    expect(again).toEqual({ status: 200, body: { run_id: first, duplicate: true } });
    expect(hookRows()).toHaveLength(runsBefore);
  });
});

describe('a secret_env that is not set', () => {
  const config = { tasks: [{ name: 'deploy', command: 'true', webhook: { secret_env: 'UNSET_HOOK_SECRET_FOR_TEST' } }] };
  it('is a config error of validate, with its JSON pointer', () => {
    const bare = makeHome(config);
    const result = runCli(['validate'], { home: bare, env: { UNSET_HOOK_SECRET_FOR_TEST: '' } });
    expect(result.code).not.toBe(0);
    // Set to nothing here: said as it is ("is empty"; unset, it says "is not set").
    expect(result.stderr).toMatch(/\/tasks\/0\/webhook\/secret_env: the environment variable UNSET_HOOK_SECRET_FOR_TEST .* is empty/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(runCli(['validate'], { home: bare, env: { UNSET_HOOK_SECRET_FOR_TEST: 'set' } }).code).toBe(0);
  });

  it('stops start before anything runs', () => {
    const bare = makeHome(config);
    const result = runCli(['start'], { home: bare, env: { UNSET_HOOK_SECRET_FOR_TEST: '' } });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/\/tasks\/0\/webhook\/secret_env/);
    expect(rows(bare)).toEqual([]);
  });
});
