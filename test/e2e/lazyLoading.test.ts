// Issue 17: a command loads only what it uses. The server (Fastify, prom-client, our routes),
// the dashboard, BullMQ and ioredis are bundled into chunks of their own (scripts/build/cli.mjs);
// the everyday commands must not load any of them. A preload records every module the CLI loads:
// an ES module hook sees the bin (dist/cli/main.js), and vm.Script, which the bin compiles each
// chunk with (src/cli/chunkLoader.ts), is wrapped to see the chunks. The build's manifest
// (dist/cli/chunks.json) says which files were bundled into each chunk.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHome, repoRoot, runCli } from '../helpers/cli.js';
import { killDaemons, startDaemon } from '../helpers/daemon.js';

const HEAVY = [
  'node_modules/fastify/',
  'node_modules/prom-client/',
  'node_modules/bullmq/',
  'node_modules/ioredis/',
  'dist/adapters/http/server.js',
  'dist/adapters/http/app.js',
  'dist/adapters/http/routes/webRoutes.js',
  'dist/adapters/queue/queueExecutor.js',
];

const cliDir = path.join(repoRoot, 'dist', 'cli');
/** Each chunk of the build and the files bundled into it. */
const manifest = JSON.parse(fs.readFileSync(path.join(cliDir, 'chunks.json'), 'utf8')) as Record<string, string[]>;

let hooks: string;
let home: string;

beforeAll(() => {
  hooks = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-loads-'));
  fs.writeFileSync(
    path.join(hooks, 'hooks.mjs'),
    "import fs from 'node:fs';\nexport async function load(url, context, next) {\n  fs.appendFileSync(process.env.CONDUCTOR_TEST_LOADS, `${url}\\n`);\n  return next(url, context);\n}\n",
  );
  fs.writeFileSync(
    path.join(hooks, 'register.mjs'),
    [
      "import fs from 'node:fs';",
      "import { register } from 'node:module';",
      "import { pathToFileURL } from 'node:url';",
      "import vm from 'node:vm';",
      `register(${JSON.stringify(pathToFileURL(path.join(hooks, 'hooks.mjs')).href)});`,
      'const Script = vm.Script;',
      'vm.Script = class extends Script {',
      '  constructor(source, options) {',
      '    if (options?.filename) fs.appendFileSync(process.env.CONDUCTOR_TEST_LOADS, `${pathToFileURL(options.filename).href}\\n`);',
      '    super(source, options);',
      '  }',
      '};',
    ].join('\n'),
  );
  home = makeHome({ tasks: [{ name: 'hello', command: 'echo hi', schedule: '0 3 * * *' }, { name: 'after', command: 'true', dependencies: ['hello'] }] });
});

afterAll(() => {
  fs.rmSync(hooks, { recursive: true, force: true });
  fs.rmSync(home, { recursive: true, force: true });
});

/** The environment that has the CLI record what it loads in `log`. */
function recording(log: string): Record<string, string> {
  return { NODE_OPTIONS: `--import=${pathToFileURL(path.join(hooks, 'register.mjs')).href}`, CONDUCTOR_TEST_LOADS: log };
}

/** The files the CLI loaded to run `args`, and what of HEAVY they hold. */
function loads(args: string[]): { files: string[]; heavy: string[] } {
  const log = path.join(hooks, `${args[0]}.loads`);
  const result = runCli(args, { home, env: recording(log) });
  expect(result.code, result.stderr).toBe(0);
  return loaded(log);
}

/** The files recorded in `log` so far, and what of HEAVY they hold. */
function loaded(log: string): { files: string[]; heavy: string[] } {
  const files = fs
    .readFileSync(log, 'utf8')
    .split('\n')
    .filter((url) => url.startsWith('file:'))
    .map((url) => fileURLToPath(url));
  const heavy = files.flatMap((file) => {
    if (/[\\/]node_modules[\\/](fastify|prom-client|bullmq|ioredis)[\\/]/.test(file)) return [file];
    const inputs = path.dirname(file) === cliDir ? (manifest[path.basename(file)] ?? []) : [];
    return HEAVY.filter((mark) => inputs.some((input) => input.startsWith(mark))).map((mark) => `${path.basename(file)}: ${mark}`);
  });
  return { files, heavy };
}

describe('what a command loads', () => {
  it('the build\'s manifest names the chunk of each heavy part, and every chunk it names is built (else the checks below would prove nothing)', () => {
    const inputs = Object.values(manifest).flat();
    for (const mark of HEAVY) expect(inputs.some((input) => input.startsWith(mark)), mark).toBe(true);
    for (const chunk of Object.keys(manifest)) expect(fs.existsSync(path.join(cliDir, chunk)), chunk).toBe(true);
  });

  it.each(['status', 'run --task hello', 'validate', 'history', 'next'])('`%s` loads neither the server, the dashboard nor BullMQ', (command) => {
    const { files, heavy } = loads(command.split(' '));
    expect(files.some((file) => file.endsWith(path.join('dist', 'cli', 'main.js')))).toBe(true); // the hook saw the bin
    expect(files.some((file) => file.endsWith(path.join('dist', 'cli', 'entry.cjs')))).toBe(true); // and the chunks
    expect(heavy).toEqual([]);
  });
});

describe('what the daemon loads', () => {
  afterAll(() => killDaemons());

  it('listens from its start, and loads Fastify and the routes only when the first request comes', async () => {
    const daemonHome = makeHome({ tasks: [{ name: 'hello', command: 'true', schedule: '0 3 1 1 *' }], settings: { http: { port: 0 } } });
    try {
      const log = path.join(hooks, 'start.loads');
      const daemon = await startDaemon(daemonHome, recording(log));
      const fastify = (heavy: string[]) => heavy.filter((mark) => /fastify|http\/app\.js/.test(mark));
      expect(fastify(loaded(log).heavy)).toEqual([]);
      // The metrics count from the start: prom-client is loaded with the daemon.
      expect(loaded(log).heavy.some((mark) => mark.includes('prom-client'))).toBe(true);
      const [health, unknown] = await Promise.all([daemon.call('/health', { token: null }), daemon.call('/api/v1/tasks/nope')]);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { status: string }).status).toBe('ok');
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({ error: { code: 'not_found', message: 'no task named nope' } });
      expect(fastify(loaded(log).heavy)).toEqual(expect.arrayContaining([expect.stringContaining('node_modules/fastify/'), expect.stringContaining('dist/adapters/http/app.js')]));
      expect(await daemon.stop()).toBe(0);
    } finally {
      fs.rmSync(daemonHome, { recursive: true, force: true });
    }
  });
});
