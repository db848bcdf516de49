// The names the conductor makes from a watched file's name, as bytes (a name is bytes on Linux):
// `name-N.ext` when the processed or failed folder already has one (never overwrite), and the
// status file `name-YYYYMMDD-HHMMSS.status` (seed 003), both kept within NAME_MAX (255 bytes) by
// shortening the name's stem, never its extension or the suffix.

export const NAME_MAX = 255;

const DOT = 0x2e;

/** `intent-1.json` -> `intent-1-2.json` for n = 2; `README` -> `README-2`. */
export function suffixedName(name: Uint8Array, n: number): Buffer {
  const bytes = Buffer.from(name);
  const dot = bytes.lastIndexOf(DOT);
  const cut = dot > 0 ? dot : bytes.length;
  const suffix = Buffer.from(`-${n}`);
  const ext = bytes.subarray(cut);
  const stem = bytes.subarray(0, Math.max(1, Math.min(cut, NAME_MAX - suffix.length - ext.length)));
  return Buffer.concat([stem, suffix, ext]);
}

/** `YYYYMMDD-HHMMSS` in UTC. */
export function stampOf(at: number): string {
  const iso = new Date(at).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

/** The status file's name for a file handled at `at`; `n` > 1 when that name was taken. */
export function statusFileName(name: Uint8Array, at: number, n = 1): Buffer {
  const tail = Buffer.from(`-${stampOf(at)}${n > 1 ? `-${n}` : ''}.status`);
  const head = Buffer.from(name).subarray(0, NAME_MAX - tail.length);
  return Buffer.concat([head, tail]);
}

/** `dir/name` as bytes. */
export function pathIn(dir: string, name: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(dir.endsWith('/') ? dir : `${dir}/`), name]);
}
