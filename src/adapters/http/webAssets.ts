// The dashboard's built files (dist/web/, made by scripts/build/web.mjs), read once when the
// server starts into a map of path -> bytes, with the gzip and brotli copies the build stored
// beside each, its type and its ETag, so a request is a lookup, never a disk read or a compression.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface WebFile {
  type: string;
  etag: string;
  /** Named by its hash (assets/): cached for a year; index.html is checked every time. */
  immutable: boolean;
  bodies: { identity: Buffer; br?: Buffer; gzip?: Buffer };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

/** The files under `root` by URL path (`/index.html`, `/assets/main-XXXX.js`); empty when it is not built. */
export function loadWebAssets(root: string): Map<string, WebFile> {
  const files = new Map<string, WebFile>();
  if (!fs.existsSync(path.join(root, 'index.html'))) return files;
  for (const name of fs.readdirSync(root, { recursive: true }).map(String)) {
    const file = path.join(root, name);
    if (/\.(gz|br)$/.test(name) || !fs.statSync(file).isFile()) continue;
    const identity = fs.readFileSync(file);
    const copy = (suffix: string) => (fs.existsSync(`${file}${suffix}`) ? fs.readFileSync(`${file}${suffix}`) : undefined);
    const bodies: WebFile['bodies'] = { identity };
    const br = copy('.br');
    const gzip = copy('.gz');
    if (br) bodies.br = br;
    if (gzip) bodies.gzip = gzip;
    const urlPath = `/${name.split(path.sep).join('/')}`;
    files.set(urlPath, {
      type: TYPES[path.extname(name)] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 22)}"`,
      immutable: urlPath.startsWith('/assets/'),
      bodies,
    });
  }
  return files;
}
