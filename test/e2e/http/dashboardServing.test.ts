// The dashboard's files as the daemon serves them: GET / with no token (the page asks for it),
// hashed assets cached for a year, precompressed bodies as the client accepts, revalidation by
// ETag, nothing loadable from elsewhere (CSP); and the event stream, alone among the /api/
// routes, taking the token as ?token= (EventSource cannot send a header).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, makeHome } from '../../helpers/cli.js';
import { killDaemons, readEvents, startDaemon, type Daemon } from '../../helpers/daemon.js';
import { exitOf, waitFor } from '../../helpers/wait.js';

let home: string;
let daemon: Daemon;

beforeAll(async () => {
  home = makeHome({ tasks: [{ name: 'quick', command: 'echo quick' }], settings: { http: { port: 0 } } });
  daemon = await startDaemon(home);
});
afterAll(killDaemons);

const raw = (path: string, headers: Record<string, string> = {}) => daemon.call(path, { token: null, headers });

describe('GET /', () => {
  it('serves the page without a token: no-cache, an ETag, a policy that allows this origin only', async () => {
    const response = await raw('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'.*connect-src 'self'/);
    const html = await response.text();
    expect(html).toMatch(/<script type="module" src="\/assets\/main-[A-Z0-9]+\.js"><\/script>/);
    expect(html).not.toMatch(/https?:\/\//);
    const again = await raw('/', { 'if-none-match': response.headers.get('etag') as string });
    expect(again.status).toBe(304);
  });

  it('names assets by hash, cached a year, sent brotli or gzip as accepted, the same bytes', async () => {
    const html = await (await raw('/')).text();
    const scripts = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
    expect(scripts.length).toBe(2); // the script and the stylesheet
    for (const asset of scripts) {
      const plain = await raw(asset, { 'accept-encoding': 'identity' });
      expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(plain.headers.get('content-encoding')).toBeNull();
      const body = Buffer.from(await plain.arrayBuffer());
      // fetch() decodes what it is sent: the precompressed copies decode to the same bytes.
      for (const encoding of ['br', 'gzip']) {
        const response = await fetch(`${daemon.url}${asset}`, { headers: { 'accept-encoding': encoding } });
        expect(response.headers.get('content-encoding')).toBe(encoding);
        expect(response.headers.get('vary')).toBe('accept-encoding');
        expect(Buffer.from(await response.arrayBuffer()).equals(body)).toBe(true);
      }
    }
    const missing = await raw('/assets/nope.js');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toBe('no file /assets/nope.js');
  });
});

describe('the token in the query', () => {
  it('opens the event stream (?token=), which still refuses a wrong one', async () => {
    const events = await raw(`/api/v1/events?token=${daemon.token}`);
    expect(events.status).toBe(200);
    const [first] = await readEvents(events, () => true);
    expect(first?.event).toBe('heartbeat');
    const wrong = await raw('/api/v1/events?token=wrong');
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toBe('wrong token');
  });

  it('opens no other route', async () => {
    for (const path of ['/api/v1/status', '/api/v1/runs', '/api/v1/events/x']) {
      const response = await raw(`${path}?token=${daemon.token}`);
      expect(response.status, path).toBe(401);
    }
    const post = await daemon.call(`/api/v1/tasks/quick/run?token=${daemon.token}`, { method: 'POST', token: null });
    expect(post.status).toBe(401);
  });
});

describe('the link that logs the page in', () => {
  it('is printed on stdout, a pipe too (http.md: start prints it), but never to the log', async () => {
    expect(daemon.output()).toContain(`dashboard on ${daemon.url}/ (it asks for the token of status/api.token)`);
    await waitFor(() => daemon.output().includes(`open the dashboard: ${daemon.url}/#token=${daemon.token}`), 'the link');
    const log = path.join(home, 'logs', 'symphony_conductor.log');
    await waitFor(() => fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('dashboard on '), 'the log to say where the dashboard is');
    expect(fs.readFileSync(log, 'utf8')).not.toContain(daemon.token);
  });

  it('is not printed when stdout is the journal (JOURNAL_STREAM names it, as systemd does)', async () => {
    const other = makeHome({ tasks: [{ name: 'quick', command: 'echo quick' }], settings: { http: { port: 0 } } });
    const out = path.join(other, 'stdout.txt');
    const fd = fs.openSync(out, 'w');
    const stat = fs.fstatSync(fd);
    const child = spawn(process.execPath, [cliPath, '--home', other, 'start'], { stdio: ['ignore', fd, fd], env: { ...process.env, JOURNAL_STREAM: `${stat.dev}:${stat.ino}` } });
    fs.closeSync(fd);
    try {
      await waitFor(() => fs.readFileSync(out, 'utf8').includes('dashboard on '), 'the daemon to say where the dashboard is');
      const token = fs.readFileSync(path.join(other, 'status', 'api.token'), 'utf8').trim();
      expect(fs.readFileSync(out, 'utf8')).not.toContain(token);
      expect(fs.readFileSync(out, 'utf8')).not.toContain('#token=');
    } finally {
      child.kill('SIGTERM');
      await exitOf(child);
    }
  });

  it('on a terminal (script(1) gives it one), start prints URL/#token=TOKEN', async () => {
    const other = makeHome({ tasks: [{ name: 'quick', command: 'echo quick' }], settings: { http: { port: 0 } } });
    const child = spawn('script', ['-qfec', `'${process.execPath}' '${cliPath}' --home '${other}' start`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const line = await waitFor(() => /open the dashboard: (\S+)/.exec(output)?.[1], 'the dashboard link');
      const url = fs.readFileSync(path.join(other, 'status', 'http.url'), 'utf8').trim();
      const token = fs.readFileSync(path.join(other, 'status', 'api.token'), 'utf8').trim();
      expect(line).toBe(`${url}/#token=${token}`);
      // The log file is opened off the main thread: its `dashboard on` line may land a moment after the link.
      const log = path.join(other, 'logs', 'symphony_conductor.log');
      await waitFor(() => fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('dashboard on '), 'the log to say where the dashboard is');
      expect(fs.readFileSync(log, 'utf8')).not.toContain(token);
    } finally {
      const pid = Number(fs.readFileSync(path.join(other, 'conductor.pid'), 'utf8'));
      process.kill(pid, 'SIGTERM');
      await exitOf(child);
    }
  });
});
