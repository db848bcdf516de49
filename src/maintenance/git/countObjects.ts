// The size of a repository's object store, from `git count-objects -v` (sizes in KiB; we
// report bytes so before/after can be compared and summed).
export interface GitSize {
  loose_objects: number;
  loose_bytes: number;
  packed_objects: number;
  packs: number;
  pack_bytes: number;
  garbage_bytes: number;
  /** loose + packs + garbage. */
  total_bytes: number;
}

/** Parses count-objects -v output; null when a needed line is missing. */
export function parseCountObjects(text: string): GitSize | null {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-z-]+):\s*(\d+)\s*$/.exec(line.trim());
    if (match) values.set(match[1] as string, Number(match[2]));
  }
  const need = (key: string): number | null => values.get(key) ?? null;
  const count = need('count');
  const size = need('size');
  const inPack = need('in-pack');
  const packs = need('packs');
  const sizePack = need('size-pack');
  if (count === null || size === null || inPack === null || packs === null || sizePack === null) return null;
  const garbage = (need('size-garbage') ?? 0) * 1024;
  return {
    loose_objects: count,
    loose_bytes: size * 1024,
    packed_objects: inPack,
    packs,
    pack_bytes: sizePack * 1024,
    garbage_bytes: garbage,
    total_bytes: (size + sizePack) * 1024 + garbage,
  };
}
