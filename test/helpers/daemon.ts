// A real daemon for the HTTP tests: started with the built CLI, found through status/http.url
// and status/api.token, stopped (SIGKILL if need be) after each test file.
import type { ChildProcess } from 'node:child_process';
import { apiOf, spawnCli } from './cli.js';
import { exitOf, waitFor } from './wait.js';

export interface Daemon {
  child: ChildProcess;
  output(): string;
  url: string;
  token: string;
  /** fetch with the token (unless `token: null`); JSON body when `json` is given. */
  call(path: string, init?: { method?: string; json?: unknown; token?: string | null; headers?: Record<string, string>; body?: string }): Promise<Response>;
  stop(): Promise<number | null>;
}

const started: ChildProcess[] = [];

export function killDaemons(): void {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

export async function startDaemon(home: string, env: Record<string, string> = {}): Promise<Daemon> {
  const child = spawnCli(['start'], { home, env });
  started.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const found = await waitFor(() => {
    if (child.exitCode !== null) throw new Error(`the daemon exited ${child.exitCode}: ${output}`);
    const api = output.includes('HTTP API on') && apiOf(home, env.CONDUCTOR_API_TOKEN);
    return api || null;
  }, 'the daemon to serve HTTP');
  const token = found.token;
  return {
    child,
    output: () => output,
    url: found.url,
    token,
    call(path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      const bearer = init.token === undefined ? token : init.token;
      if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
      if (init.json !== undefined) headers['content-type'] = 'application/json';
      return fetch(`${found.url}${path}`, {
        method: init.method ?? (init.json !== undefined || init.body !== undefined ? 'POST' : 'GET'),
        headers,
        body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
      });
    },
    async stop() {
      child.kill('SIGTERM');
      return (await exitOf(child)).code;
    },
  };
}

/** Reads a Server-Sent Events stream, collecting events until `until` accepts one (or the stream ends). */
export async function readEvents(
  response: Response,
  until: (event: { event: string; data: any }, all: { event: string; data: any }[]) => boolean,
): Promise<{ event: string; data: any }[]> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: { event: string; data: any }[] = [];
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return events;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (!event || data === undefined) continue;
        const item = { event, data: JSON.parse(data) };
        events.push(item);
        if (until(item, events)) return events;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
