// A real redis-server (Debian's package) for the queue tests, on a free port of the loopback,
// with its data in a temporary folder (append-only file: a restart keeps the queue, as a
// production Redis would), stopped and restarted at will; and real worker processes.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { spawnCli } from './cli.js';
import { exitOf, waitFor } from './wait.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export class TestRedis {
  private process: ChildProcess | null = null;
  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  static async start(): Promise<TestRedis> {
    const redis = new TestRedis(await freePort(), fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-redis-')));
    await redis.up();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  /** (Re)starts the server on the same port and data. */
  async up(): Promise<void> {
    this.process = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--save', '', '--protected-mode', 'no'],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 15_000;
    while (!(await this.ping())) {
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${this.port}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Stops it as an operator would (SHUTDOWN: the append-only file is kept). */
  async down(): Promise<void> {
    const child = this.process;
    if (!child) return;
    this.process = null;
    child.kill('SIGTERM');
    await exitOf(child);
  }

  async client(): Promise<Redis> {
    const client = new Redis(this.url, { maxRetriesPerRequest: 1 });
    client.on('error', () => {});
    return client;
  }

  async stop(): Promise<void> {
    await this.down();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private ping(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = net.connect(this.port, '127.0.0.1');
      socket.setTimeout(1000);
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (data) => {
        resolve(data.toString().startsWith('+PONG'));
        socket.destroy();
      });
      socket.on('error', () => resolve(false));
      socket.on('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
  }
}

export interface TestWorker {
  name: string;
  home: string;
  child: ChildProcess;
  output(): string;
}

/** Starts `symphony-conductor worker` and waits until it says it takes jobs. */
export async function startWorker(redis: TestRedis, name: string, options: { queues?: string; concurrency?: number; drainTimeout?: number; env?: Record<string, string> } = {}): Promise<TestWorker> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `conductor-worker-${name}-`));
  const args = ['worker', '--redis', redis.url, '--name', name, '--queues', options.queues ?? 'default', '--concurrency', String(options.concurrency ?? 4)];
  if (options.drainTimeout !== undefined) args.push('--drain-timeout', String(options.drainTimeout));
  const child = spawnCli(args, { home, env: options.env });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  await waitFor(() => text.includes(`worker ${name} started`), `worker ${name} to start`, 20_000);
  return { name, home, child, output: () => text };
}

/** The pids of the processes whose environment says they run for this worker (CONDUCTOR_WORKER=name). */
export function jobProcessesOf(worker: string): number[] {
  return fs.readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      const env = fs.readFileSync(`/proc/${entry}/environ`, 'latin1');
      return env.split('\0').includes(`CONDUCTOR_WORKER=${worker}`) ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}
