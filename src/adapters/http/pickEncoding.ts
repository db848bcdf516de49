// Which of a file's stored bodies answers a request: brotli, else gzip, else the plain bytes, as
// the request's Accept-Encoding allows (q=0 refuses one; `*` stands for the others).
import type { WebFile } from './webAssets.js';

/** The encoding to send for an Accept-Encoding header: brotli, else gzip, else none. */
export function pickEncoding(accept: string | undefined, file: Pick<WebFile, 'bodies'>): 'br' | 'gzip' | 'identity' {
  const offered = new Map<string, number>();
  for (const part of (accept ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    offered.set(name.trim(), q === undefined ? 1 : Number(q));
  }
  const accepts = (name: string) => (offered.get(name) ?? offered.get('*') ?? 0) > 0;
  if (file.bodies.br && accepts('br')) return 'br';
  if (file.bodies.gzip && accepts('gzip')) return 'gzip';
  return 'identity';
}
