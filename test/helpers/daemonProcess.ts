// A real daemon as a child process, for the end-to-end tests of firing and recovery (the HTTP
// tests use helpers/daemon.ts, which also finds its API): its output kept, killed after each test.
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { afterEach } from 'vitest';
import { spawnCli } from './cli.js';

export type TestDaemon = ChildProcess & { output: () => string };

const started: ChildProcess[] = [];

/** Registers the clean-up: call once at the top of a test file. */
export function killDaemonsAfterEach(): void {
  afterEach(() => {
    for (const d of started.splice(0)) if (d.exitCode === null && d.signalCode === null) d.kill('SIGKILL');
  });
}

export function startDaemon(home: string, env: Record<string, string> = {}): TestDaemon {
  const child = spawnCli(['start'], { home, env });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  started.push(child);
  return Object.assign(child, { output: () => output });
}

/** A port nothing listens on right now (the kernel picks it; released before the daemon binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
