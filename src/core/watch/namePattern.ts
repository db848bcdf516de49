// Which file names a watch task takes: a shell-style glob on the name (not the path), and never
// the names writers use while a file is unfinished (`.name`, `name.tmp`, `name.part`, `name~`).
// Names are matched as decoded with surrogateescape (core/bytes), so `*` also matches
// undecodable bytes and newlines: every byte is a character here, none is special.

export type CompiledPattern = { ok: true; test(name: string): boolean } | { ok: false; reason: string };

/** Names a writer is still working on (editors, rsync, curl, downloads): never a ready file. */
export function isUnfinishedName(name: string): boolean {
  return name.startsWith('.') || name.endsWith('.tmp') || name.endsWith('.part') || name.endsWith('~');
}

/**
 * Compiles a glob: `*` any run of characters, `?` one character, `[abc]` `[a-z]` `[!a-z]` (or
 * `[^a-z]`) one of a set, `{json,yaml}` one of the alternatives (not nested), `\x` a literal x.
 */
export function compilePattern(pattern: string): CompiledPattern {
  if (pattern.includes('/')) return { ok: false, reason: `${JSON.stringify(pattern)} holds a '/': the pattern matches file names, not paths` };
  let source = '';
  let inBraces = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\') {
      if (i + 1 >= pattern.length) return { ok: false, reason: `${JSON.stringify(pattern)} ends with a lone '\\'` };
      source += escapeRegExp(pattern[++i] as string);
    } else if (ch === '*') source += '[^]*';
    else if (ch === '?') source += '[^]';
    else if (ch === '[') {
      const close = findClass(pattern, i);
      if (close < 0) return { ok: false, reason: `${JSON.stringify(pattern)} has a '[' with no closing ']'` };
      source += classSource(pattern.slice(i + 1, close));
      i = close;
    } else if (ch === '{') {
      if (inBraces) return { ok: false, reason: `${JSON.stringify(pattern)} nests '{': alternatives cannot be nested` };
      inBraces = true;
      source += '(?:';
    } else if (ch === '}' && inBraces) {
      inBraces = false;
      source += ')';
    } else if (ch === ',' && inBraces) source += '|';
    else source += escapeRegExp(ch);
  }
  if (inBraces) return { ok: false, reason: `${JSON.stringify(pattern)} has a '{' with no closing '}'` };
  let regex: RegExp;
  try {
    regex = new RegExp(`^${source}$`, 'u');
  } catch {
    return { ok: false, reason: `${JSON.stringify(pattern)} is not a valid pattern (a range such as [z-a] runs backwards?)` };
  }
  return { ok: true, test: (name) => !isUnfinishedName(name) && regex.test(name) };
}

/** The index of the `]` closing the class that opens at `open`, or -1 (a `]` first in the class is literal). */
function findClass(pattern: string, open: number): number {
  let i = open + 1;
  if (pattern[i] === '!' || pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === ']') return i;
  }
  return -1;
}

function classSource(body: string): string {
  let negate = false;
  let rest = body;
  if (rest.startsWith('!') || rest.startsWith('^')) {
    negate = true;
    rest = rest.slice(1);
  }
  let out = '';
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i] as string;
    if (ch === '\\' && i + 1 < rest.length) out += escapeClass(rest[++i] as string);
    else if (ch === '-' && out !== '' && i + 1 < rest.length) out += '-';
    else out += escapeClass(ch);
  }
  return `[${negate ? '^' : ''}${out}]`;
}

function escapeRegExp(ch: string): string {
  return /[\\^$.*+?()[\]{}|]/.test(ch) ? `\\${ch}` : ch;
}

function escapeClass(ch: string): string {
  return /[\\\]^-]/.test(ch) ? `\\${ch}` : ch;
}
