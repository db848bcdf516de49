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

/**
 * Whether two valid patterns may match one name. Conservative: false only when they cannot, by
 * their literal starts or ends (`in-*` and `out-*`, `*.csv` and `*.json`), alternative by
 * alternative of a `{a,b}`; any other pair may.
 */
export function patternsMayOverlap(a: string, b: string): boolean {
  return alternatives(a).some((x) => alternatives(b).some((y) => literalsAgree(x, y)));
}

/** The pattern once per alternative of its (single level of) braces. */
function alternatives(pattern: string): string[] {
  const open = unescapedIndex(pattern, '{');
  const close = open < 0 ? -1 : unescapedIndex(pattern, '}', open);
  if (close < 0) return [pattern];
  const choices = splitUnescaped(pattern.slice(open + 1, close), ',');
  return choices.flatMap((choice) => alternatives(pattern.slice(0, open) + choice + pattern.slice(close + 1)));
}

/** The pattern's literal characters before its first wildcard, and after its last. */
function literalEnds(pattern: string): { head: string; tail: string; whole: boolean } {
  const parts: { literal: string | null }[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\' && i + 1 < pattern.length) parts.push({ literal: pattern[++i] as string });
    else if (ch === '*' || ch === '?') parts.push({ literal: null });
    else if (ch === '[') {
      const close = findClass(pattern, i);
      parts.push({ literal: null });
      i = close < 0 ? pattern.length : close;
    } else parts.push({ literal: ch });
  }
  const wild = parts.findIndex((p) => p.literal === null);
  if (wild < 0) return { head: parts.map((p) => p.literal).join(''), tail: '', whole: true };
  let last = parts.length - 1;
  while (parts[last]?.literal !== null) last--;
  return { head: parts.slice(0, wild).map((p) => p.literal).join(''), tail: parts.slice(last + 1).map((p) => p.literal).join(''), whole: false };
}

function literalsAgree(a: string, b: string): boolean {
  const x = literalEnds(a);
  const y = literalEnds(b);
  if (x.whole && y.whole) return x.head === y.head;
  const prefixes = x.head.startsWith(y.head) || y.head.startsWith(x.head);
  const suffixes = x.tail.endsWith(y.tail) || y.tail.endsWith(x.tail);
  // A literal name against a pattern: its head and tail must fit the name.
  if (x.whole) return x.head.startsWith(y.head) && x.head.endsWith(y.tail);
  if (y.whole) return y.head.startsWith(x.head) && y.head.endsWith(x.tail);
  return prefixes && suffixes;
}

function unescapedIndex(text: string, ch: string, from = 0): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === ch) return i;
  }
  return -1;
}

function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
