// Finds where JSON text first goes wrong, for messages with a line and column. Only called
// after JSON.parse has failed, because V8 does not always say where.

export interface JsonSyntaxError {
  offset: number;
  message: string;
}

/** Scans `text` as JSON (RFC 8259) and returns the first syntax error, or null if it is valid. */
export function findJsonError(text: string): JsonSyntaxError | null {
  let i = 0;
  const fail = (message: string, at = i): never => {
    throw { offset: at, message } satisfies JsonSyntaxError;
  };
  const describe = (at: number) => (at >= text.length ? 'end of file' : `'${text[at]}'`);
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`unexpected ${describe(i)}, expected a value`);
  };
  const string = () => {
    i++; // opening quote
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail('control character in string (a string cannot span lines)');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('bad \\u escape in string');
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) fail(`bad escape '\\${e ?? ''}' in string`);
        i += 2;
        continue;
      }
      i++;
    }
    fail('unterminated string');
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match) fail(`unexpected ${describe(i)}, expected a value`);
    i += (match as RegExpExecArray)[0].length;
  };
  const key = () => {
    ws();
    if (text[i] !== '"') fail(`unexpected ${describe(i)}, expected a double-quoted key`);
    string();
    ws();
    if (text[i] !== ':') fail(`unexpected ${describe(i)}, expected ':' after the key`);
    i++;
  };
  // Nesting is kept in an array, not on the call stack, so deep nesting cannot overflow it.
  const open: Array<'{' | '['> = [];
  const value = (): void => {
    for (;;) {
      ws();
      const c = text[i];
      if (c === '{' || c === '[') {
        i++;
        ws();
        if (text[i] === (c === '{' ? '}' : ']')) i++;
        else {
          open.push(c);
          if (c === '{') key();
          continue;
        }
      } else if (c === '"') string();
      else if (c === 't') literal('true');
      else if (c === 'f') literal('false');
      else if (c === 'n') literal('null');
      else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number();
      else fail(`unexpected ${describe(i)}, expected a value`);
      if (!closeContainers()) return;
    }
  };
  /** After a value: consumes closing brackets; true when another value follows a comma. */
  const closeContainers = (): boolean => {
    while (open.length > 0) {
      const inside = open[open.length - 1] as '{' | '[';
      const close = inside === '{' ? '}' : ']';
      ws();
      if (text[i] === ',') {
        const comma = i;
        i++;
        ws();
        // Named where the comma is: the line to edit, not the bracket lines below it.
        if (text[i] === close) fail(`trailing comma before '${close}'`, comma);
        if (inside === '{') key();
        return true;
      }
      if (text[i] !== close) fail(`unexpected ${describe(i)}, expected ',' or '${close}'`);
      i++;
      open.pop();
    }
    return false;
  };
  try {
    value();
    ws();
    if (i < text.length) fail(`unexpected ${describe(i)} after the end of the JSON value`);
    return null;
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'offset' in error) return error as JsonSyntaxError;
    throw error;
  }
}
