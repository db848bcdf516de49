// After tsc and write-schema: replaces dist/cli/main.js with an esbuild bundle of it, so a command
// loads a few files instead of ~150 modules (issue 17: module loading was a third of `status`).
// Code split: each command's lazily imported parts become chunks beside main.js (dist/cli/chunk-*),
// loaded only when the command runs. The chunks sit at the depth of dist/app, so the paths the
// code finds relative to its own module (../native/*, ../web/, ../../package.json) still resolve.
// Kept as plain node_modules imports: native modules (better-sqlite3) and what only the daemon or
// the queue loads (fastify, prom-client, bullmq, ioredis). pino is bundled: we use no pino
// transport (whose worker must stay a real file), and as ~20 CommonJS files it cost `run --task`
// ~30 ms to load. The rest of dist/ (tsc's output) stays, for the tests and the tools.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cliDir = path.join(root, 'dist', 'cli');
const entry = path.join(cliDir, 'main.js');

const EXTERNAL = ['better-sqlite3', 'fastify', '@fastify/*', 'prom-client', 'bullmq', 'ioredis'];

/**
 * yargs finds its locales (and the app's package.json) from its own module's path: bundled, that
 * would be a chunk's path and `LANG=de_DE` would lose its German help. Point it at its real file.
 */
const yargsOwnPath = {
  name: 'yargs-own-path',
  setup(b) {
    b.onLoad({ filter: /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, (args) => {
      const source = fs.readFileSync(args.path, 'utf8');
      const from = '__dirname = fileURLToPath(import.meta.url);';
      if (!source.includes(from)) throw new Error(`${args.path} no longer says "${from}": update scripts/build/cli.mjs`);
      const to = "__dirname = require('node:path').join(require('node:path').dirname(require.resolve('yargs')), 'lib', 'platform-shims', 'esm.mjs');";
      return { contents: source.replace(from, to), loader: 'js' };
    });
  },
};

for (const name of fs.readdirSync(cliDir)) if (/^chunk-.*\.js$/.test(name)) fs.rmSync(path.join(cliDir, name));

await build({
  absWorkingDir: root,
  entryPoints: [entry],
  outdir: cliDir,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  external: EXTERNAL,
  plugins: [yargsOwnPath],
  // CommonJS packages bundled into ESM still call require() (for node: modules and each other).
  banner: { js: "import { createRequire as __conductorRequire } from 'node:module'; const require = __conductorRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
fs.chmodSync(entry, 0o755);
