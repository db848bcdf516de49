// Quoting for the generated scripts: words as single-quoted strings of sh/bash/zsh and of fish
// (whose single quotes take \' and \\ escapes), and the case labels built from them.

/** `text` as a POSIX single-quoted word. */
export function shQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** `text` as a fish single-quoted word. */
export function fishQuote(text: string): string {
  return `'${text.replace(/[\\']/g, '\\$&')}'`;
}

/** The table keys grouped by value, for `case` arms that share a result (`'a'|'b') echo x`). */
export function byValue(table: ReadonlyMap<string, string>): [string, string[]][] {
  const grouped = new Map<string, string[]>();
  for (const [key, value] of table) grouped.set(value, [...(grouped.get(value) ?? []), key]);
  return [...grouped];
}
