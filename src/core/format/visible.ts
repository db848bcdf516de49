// Text from outside (a file name, a command's words in a reason) shown on a terminal or in a
// line-based output: control characters are written as escapes, so a name with a newline or an
// escape sequence cannot break a table's one row per line, fake a line, or drive the terminal.

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function visible(text: string): string {
  if (!CONTROL.test(text)) return text;
  return text.replace(CONTROLS, (c) => NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
