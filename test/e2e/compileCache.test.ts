// The bin keeps V8's caches of the code each command compiled (dist/cli/compile-cache/<node>/<command>),
// and the next run of the command compiles from them. Checked as a user runs the CLI: the caches a
// real command left are taken by V8 in a fresh process. Other test files run the same commands
// at the same time: a cache is written whole (renamed into place), so any reader sees a whole one.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHome, repoRoot, runCli, spawnCli } from '../helpers/cli.js';
import { exitOf, waitFor } from '../helpers/wait.js';

const cliDir = path.join(repoRoot, 'dist', 'cli');
const cacheRoot = path.join(cliDir, 'compile-cache', `${process.version}-${process.arch}`);
let home: string;

beforeAll(() => {
  home = makeHome({ tasks: [{ name: 'hello', command: 'true', schedule: '0 0 1 1 *' }], settings: { http: { port: 0 } } });
});

afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

/** How many of the caches in `folder` V8 takes, and how many it refuses, compiling each chunk as the bin does in a fresh node. */
function takenByV8(folder: string): { taken: number; refused: number } {
  const script = [
    "import fs from 'node:fs'; import path from 'node:path'; import vm from 'node:vm';",
    `import { wrapChunk } from ${JSON.stringify(path.join(cliDir, 'chunkLoader.js'))};`,
    `const folder = ${JSON.stringify(folder)}; const cliDir = ${JSON.stringify(cliDir)};`,
    'let taken = 0, refused = 0;',
    "for (const name of fs.readdirSync(folder).filter((n) => n.endsWith('.cjs.cache'))) {",
    "  const file = path.join(cliDir, name.replace(/\\.cache$/, ''));",
    "  const script = new vm.Script(wrapChunk(fs.readFileSync(file, 'utf8')), { filename: file, cachedData: fs.readFileSync(path.join(folder, name)) });",
    '  if (script.cachedDataRejected) refused++; else taken++;',
    '}',
    'console.log(JSON.stringify({ taken, refused }));',
  ].join('\n');
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout) as { taken: number; refused: number };
}

describe('the compile cache of the CLI', () => {
  it('is left by a command that ran, for each chunk it loaded, and V8 takes it in the next process', () => {
    const result = runCli(['validate'], { home });
    expect(result.code).toBe(0);
    const folder = path.join(cacheRoot, 'validate');
    const caches = fs.readdirSync(folder);
    expect(caches).toContain('entry.cjs.cache');
    expect(caches.filter((name) => name.endsWith('.tmp'))).toEqual([]);
    const { taken, refused } = takenByV8(folder);
    expect(refused).toBe(0);
    expect(taken).toBe(caches.length);
    expect(taken).toBeGreaterThan(3);
  });

  it('is not kept for --help or a word that is no command', () => {
    expect(runCli(['stauts', '--help'], { home }).code).toBe(0);
    expect(runCli(['nosuchcommand'], { home }).code).toBe(1);
    expect(fs.existsSync(path.join(cacheRoot, 'stauts'))).toBe(false);
    expect(fs.existsSync(path.join(cacheRoot, 'nosuchcommand'))).toBe(false);
  });

  it('is neither read nor written by the daemon', async () => {
    const daemon = spawnCli(['start'], { home });
    let output = '';
    daemon.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    daemon.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(() => output.includes(' started: '), 'the daemon to start', 30_000);
    daemon.kill('SIGTERM');
    expect(await exitOf(daemon)).toMatchObject({ code: 0 });
    expect(fs.existsSync(path.join(cacheRoot, 'start'))).toBe(false);
  });
});
