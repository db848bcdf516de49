// After tsc and write-schema: bundles the CLI with esbuild, so a command loads a few files instead
// of ~150 modules (issue 17: module loading was a third of `status`), and writes the bin.
// Code split: each command's lazily imported parts become chunks (dist/cli/chunk-*), loaded only
// when the command runs. The chunks sit at the depth of dist/app, so the paths the code finds
// relative to its own module (../native/*, ../web/, ../../package.json) still resolve.
// Every package's JavaScript is bundled, each into the chunks of the commands that use it:
// loading ~260 CommonJS files of BullMQ and ioredis from node_modules through the ES module
// loader (a resolve, a read, a compile and an export scan each) cost the queue executor and a
// worker ~260 ms before their first job; Fastify and prom-client, the daemon ~60-100 ms before
// it serves. Commands that need none of them load none of their chunks. pino too: we use no
// pino transport (whose worker would have to stay a real file). Native addons stay in
// node_modules: better-sqlite3's (sqliteAddon below) and msgpackr's optional one (external).
//
// The chunks are then turned into CommonJS (entry.cjs, chunk-*.cjs), which the bin
// (src/cli/main.ts, bundled alone into dist/cli/main.js) compiles with V8's code cache: Node 20
// has no compile cache for ES modules, and compiling was a fifth of a short command
// (src/cli/chunkLoader.ts). Each is a plain CommonJS module (Node's require could load it too):
// strict, its imports `require("./chunk-X.cjs")`, import.meta.url made from __filename.
// The rest of dist/ (tsc's output) stays, for the tests and the tools.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, transformSync } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cliDir = path.join(root, 'dist', 'cli');
const entry = path.join(cliDir, 'entry.js');
const bin = path.join(cliDir, 'main.js');

const EXTERNAL = ['msgpackr-extract'];

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

/**
 * yargs' ES module build takes cliui's ES module entry, whose stand-in for wrap-ansi breaks lines
 * every N characters, in the middle of words (yargs#2112): every --help page read `--wat` /
 * `ch-timeout 60`. cliui's CommonJS entry wraps on word boundaries with wrap-ansi and
 * string-width (its own dependencies, installed with it): the ES entry is given the same.
 */
const cliuiWordWrap = {
  name: 'cliui-word-wrap',
  setup(b) {
    b.onLoad({ filter: /[\\/]cliui[\\/]index\.mjs$/ }, (args) => {
      const source = fs.readFileSync(args.path, 'utf8');
      const from = "import { wrap, stripAnsi } from './build/lib/string-utils.js'";
      if (!source.includes(from)) throw new Error(`${args.path} no longer says "${from}": update scripts/build/cli.mjs`);
      const contents = [
        "import { cliui } from './build/lib/index.js'",
        "import stringWidth from 'string-width'",
        "import stripAnsi from 'strip-ansi'",
        "import wrap from 'wrap-ansi'",
        'export default function ui(opts) { return cliui(opts, { stringWidth, stripAnsi, wrap }) }',
      ].join('\n');
      return { contents, loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

/**
 * better-sqlite3's JavaScript is bundled (its ~15 CommonJS files cost every command that opens
 * the history a file read and a compile each); its native addon stays in node_modules. The
 * package finds the addon through \`bindings\`, which searches from the caller's file (a chunk's,
 * once bundled): the addon is named by its package path instead, resolved at run time from the
 * chunk like any dependency.
 */
const sqliteAddon = {
  name: 'better-sqlite3-addon',
  setup(b) {
    b.onLoad({ filter: /[\\/]better-sqlite3[\\/]lib[\\/]database\.js$/ }, (args) => {
      const source = fs.readFileSync(args.path, 'utf8');
      const from = "require('bindings')('better_sqlite3.node')";
      if (!source.includes(from)) throw new Error(`${args.path} no longer says "${from}": update scripts/build/cli.mjs`);
      const to = "require(['better-sqlite3', 'build', 'Release', 'better_sqlite3.node'].join('/'))";
      return { contents: source.replace(from, to), loader: 'js' };
    });
  },
};

/**
 * ioredis reads its own package.json (the version it names in CLIENT SETINFO) from \`__dirname\`,
 * which a bundled ES module has not: the folder of its real file is named instead.
 */
const ioredisOwnPath = {
  name: 'ioredis-own-path',
  setup(b) {
    b.onLoad({ filter: /[\\/]ioredis[\\/]built[\\/](utils[\\/]index|Command)\.js$/ }, (args) => {
      const source = fs.readFileSync(args.path, 'utf8');
      if (!source.includes('__dirname')) throw new Error(`${args.path} no longer uses __dirname: update scripts/build/cli.mjs`);
      const dir = path.relative(path.join(root, 'node_modules', 'ioredis'), path.dirname(args.path)).split(path.sep);
      const real = `require('node:path').join(require('node:path').dirname(require.resolve('ioredis/package.json')), ${dir.map((d) => JSON.stringify(d)).join(', ')})`;
      return { contents: source.replaceAll('__dirname', real), loader: 'js' };
    });
  },
};

for (const name of fs.readdirSync(cliDir)) if (/^chunk-.*\.c?js$/.test(name) || name === 'entry.cjs') fs.rmSync(path.join(cliDir, name));
// Caches of an earlier build's chunks would never be read again.
fs.rmSync(path.join(cliDir, 'compile-cache'), { recursive: true, force: true });

const split = await build({
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
  plugins: [yargsOwnPath, cliuiWordWrap, sqliteAddon, ioredisOwnPath],
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});

/**
 * One ES module chunk as a CommonJS module: imports become require() of the .cjs beside it (the
 * dynamic ones too, run a microtask later as import() would), exports become getters (live, as
 * ES module bindings are), import.meta.url the file's own URL. A chunk with a top-level await
 * cannot be one: esbuild refuses it, and the build fails.
 */
function toCommonJs(file) {
  const result = transformSync(fs.readFileSync(file, 'utf8'), {
    sourcefile: path.relative(root, file),
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    supported: { 'dynamic-import': false },
    define: { 'import.meta.url': '__conductorUrl' },
    banner: '"use strict";\nvar __conductorUrl = require("node:url").pathToFileURL(__filename).href;',
    logLevel: 'warning',
  });
  const code = result.code.replace(/require\("\.\/(chunk-[A-Z0-9]+|entry)\.js"\)/g, 'require("./$1.cjs")');
  // Left over, either would fail at run time: vm.Script has no import() and a script no import.meta.
  const bare = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
  const left = /\bimport\s*\(|\bimport\.meta\b/.exec(bare);
  if (left) throw new Error(`${file}: "${left[0]}" is left in its CommonJS form: update scripts/build/cli.mjs`);
  fs.writeFileSync(file.replace(/\.js$/, '.cjs'), code);
  fs.rmSync(file);
}

// What each chunk holds (the files bundled into it), for the tests that check what a command loads
// and for whoever wonders where a module went.
const manifest = {};
for (const [output, { inputs }] of Object.entries(split.metafile.outputs)) {
  toCommonJs(path.join(root, output));
  manifest[path.basename(output).replace(/\.js$/, '.cjs')] = Object.keys(inputs).sort();
}
fs.writeFileSync(path.join(cliDir, 'chunks.json'), `${JSON.stringify(manifest, null, 1)}\n`);

// The bin: main.ts with the loader, alone (it loads entry.cjs, which loads the rest).
await build({
  absWorkingDir: root,
  entryPoints: [bin],
  outfile: bin,
  allowOverwrite: true,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
});
fs.chmodSync(bin, 0o755);
