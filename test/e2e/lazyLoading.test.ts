// Issue 17: a command loads only what it uses. The server (Fastify, prom-client, our routes),
// the dashboard, BullMQ and ioredis are bundled into chunks of their own (scripts/build/cli.mjs);
// the everyday commands must not load any of them. A module-loader hook records every module
// the CLI loads, and each loaded chunk is read for the marks esbuild leaves at the start of each
// module it bundled (`// node_modules/fastify/...`, `// dist/adapters/http/server.js`).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHome, repoRoot, runCli } from '../helpers/cli.js';

const HEAVY = [
  '// node_modules/fastify/',
  '// node_modules/prom-client/',
  '// node_modules/bullmq/',
  '// node_modules/ioredis/',
  '// dist/adapters/http/server.js',
  '// dist/adapters/http/routes/webRoutes.js',
  '// dist/adapters/queue/queueExecutor.js',
];

let hooks: string;
let home: string;

beforeAll(() => {
  hooks = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-loads-'));
  fs.writeFileSync(
    path.join(hooks, 'hooks.mjs'),
    "import fs from 'node:fs';\nexport async function load(url, context, next) {\n  fs.appendFileSync(process.env.CONDUCTOR_TEST_LOADS, `${url}\\n`);\n  return next(url, context);\n}\n",
  );
  fs.writeFileSync(path.join(hooks, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(path.join(hooks, 'hooks.mjs')).href)});\n`);
  home = makeHome({ tasks: [{ name: 'hello', command: 'echo hi', schedule: '0 3 * * *' }, { name: 'after', command: 'true', dependencies: ['hello'] }] });
});

afterAll(() => {
  fs.rmSync(hooks, { recursive: true, force: true });
  fs.rmSync(home, { recursive: true, force: true });
});

/** The files the CLI loaded to run `args`, and what of HEAVY they hold. */
function loads(args: string[]): { files: string[]; heavy: string[] } {
  const log = path.join(hooks, `${args[0]}.loads`);
  const result = runCli(args, { home, env: { NODE_OPTIONS: `--import=${pathToFileURL(path.join(hooks, 'register.mjs')).href}`, CONDUCTOR_TEST_LOADS: log } });
  expect(result.code, result.stderr).toBe(0);
  const files = fs
    .readFileSync(log, 'utf8')
    .split('\n')
    .filter((url) => url.startsWith('file:'))
    .map((url) => fileURLToPath(url));
  const heavy = files.flatMap((file) => {
    if (/[\\/]node_modules[\\/](fastify|prom-client|bullmq|ioredis)[\\/]/.test(file)) return [file];
    const text = fs.readFileSync(file, 'utf8');
    return HEAVY.filter((mark) => text.includes(`\n${mark}`)).map((mark) => `${path.basename(file)}: ${mark}`);
  });
  return { files, heavy };
}

describe('what a command loads', () => {
  it('the built chunks carry the marks looked for (else the checks below would prove nothing)', () => {
    const dir = path.join(repoRoot, 'dist', 'cli');
    const all = fs
      .readdirSync(dir)
      .filter((name) => name.endsWith('.js'))
      .map((name) => fs.readFileSync(path.join(dir, name), 'utf8'))
      .join('\n');
    for (const mark of HEAVY) expect(all, mark).toContain(`\n${mark}`);
  });

  it.each(['status', 'run --task hello', 'validate', 'history', 'next'])('`%s` loads neither the server, the dashboard nor BullMQ', (command) => {
    const { files, heavy } = loads(command.split(' '));
    expect(files.some((file) => file.endsWith(path.join('dist', 'cli', 'main.js')))).toBe(true); // the hook saw the CLI
    expect(heavy).toEqual([]);
  });
});
