// Builds the dashboard (web/) into dist/web/: type-checks it (its own tsconfig: the server's tsc
// never sees it), bundles it with esbuild (Preact, JSX, the DAG layout as a chunk loaded only by
// its view) into files named by their hash, writes index.html pointing at them, and stores a
// gzip and a brotli copy of each file beside it, so the daemon serves them without compressing.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = path.join(root, 'dist', 'web');
const assets = path.join(out, 'assets');

execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'web', 'tsconfig.json')], { stdio: 'inherit' });

fs.rmSync(out, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: ['web/src/main.tsx'],
  outdir: assets,
  bundle: true,
  splitting: true,
  format: 'esm',
  target: ['chrome100', 'firefox100', 'safari15'],
  minify: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  assetNames: '[name]-[hash]',
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
});

const entry = Object.entries(result.metafile.outputs).find(([, output]) => output.entryPoint === 'web/src/main.tsx');
if (!entry) throw new Error('esbuild wrote no output for web/src/main.tsx');
const href = (file) => `/${path.relative(out, path.join(root, file)).split(path.sep).join('/')}`;
const styles = entry[1].cssBundle ? `<link rel="stylesheet" href="${href(entry[1].cssBundle)}" />` : '';
const html = fs
  .readFileSync(path.join(root, 'web', 'index.html'), 'utf8')
  .replace('<!--styles-->', styles)
  .replace('<!--scripts-->', `<script type="module" src="${href(entry[0])}"></script>`);
fs.writeFileSync(path.join(out, 'index.html'), html);

// Precompressed copies, kept only when smaller.
for (const name of fs.readdirSync(out, { recursive: true })) {
  const file = path.join(out, String(name));
  if (!fs.statSync(file).isFile() || /\.(gz|br)$/.test(file)) continue;
  const body = fs.readFileSync(file);
  const gz = zlib.gzipSync(body, { level: 9 });
  const br = zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
  if (gz.length < body.length) fs.writeFileSync(`${file}.gz`, gz);
  if (br.length < body.length) fs.writeFileSync(`${file}.br`, br);
}
