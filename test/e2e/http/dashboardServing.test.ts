// The dashboard's files as the daemon serves them: GET / with no token (the page asks for it),
// hashed assets cached for a year, precompressed bodies as the client accepts, revalidation by
// ETag, nothing loadable from elsewhere (CSP); and the event stream, alone among the /api/
// routes, taking the token as ?token= (EventSource cannot send a header).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHome } from '../../helpers/cli.js';
import { killDaemons, readEvents, startDaemon, type Daemon } from '../../helpers/daemon.js';

let daemon: Daemon;

beforeAll(async () => {
  daemon = await startDaemon(makeHome({ tasks: [{ name: 'quick', command: 'echo quick' }], settings: { http: { port: 0 } } }));
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
    expect((await missing.json()).error.message).toBe('no file /assets/nope.js');
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
    expect((await wrong.json()).error.message).toBe('wrong token');
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
