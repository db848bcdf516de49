// A task name made from a cron command: the program that does the work, and up to two of its
// plain arguments (`run-parts --report /etc/cron.daily` -> `run-parts_cron.daily`). Guards
// (`test -x ... &&`, `[ ... ] &&`, `command -v ...`, `cd /`), shell keywords, variable
// assignments and wrappers (`nice`, `exec`, ...) are passed over; of several commands the last
// that does work is taken (`test ... && perl -e 'sleep ...' && certbot renew` -> `certbot_renew`),
// in a pipeline its first stage (`pg_dump db | gzip` -> `pg_dump_db`). Only a name: uniqueTaskName
// makes it unique, and nothing here has to understand the shell fully.

const GUARDS = new Set(['test', '[', '[[', 'command', 'which', 'type', 'cd', 'true', 'false', ':', 'exit', 'sleep', 'echo', 'printf', 'logger', '.', 'source', 'fi', 'done', 'esac', 'wait', 'set', 'export', 'umask']);
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', '}', 'time']);
const WRAPPERS = new Set(['exec', 'nice', 'ionice', 'nohup', 'env', 'chronic', 'timeout']);
const SEPARATORS = new Set(['&&', '||', ';', '&', '\n', '(', ')']);
const MAX_STEM = 60;

type Token = { readonly op: string } | { readonly word: string };

/** A safe name stem for `command` (letters, digits, `.`, `_`, `-`), or '' when none can be made. */
export function nameFromCommand(command: string): string {
  let chosen: string[] | null = null;
  let first: string[] | null = null;
  for (const pipeline of pipelines(tokenize(command))) {
    const stages = pipeline.map(simpleCommand).filter((words) => words.length > 0);
    first ??= stages[0] ?? null;
    const worker = stages.find((words) => !GUARDS.has(words[0] as string));
    if (worker) chosen = worker;
  }
  const words = chosen ?? first;
  if (!words) return '';
  const [program = '', ...args] = words;
  const plain = args.filter((arg) => !arg.startsWith('-') && !arg.includes('$')).slice(0, 2);
  return sanitize([program, ...plain].map(basename).join('_'));
}

function tokenize(command: string): Token[] {
  const tokens: Token[] = [];
  let word = '';
  let inWord = false;
  const end = () => {
    if (inWord) tokens.push({ word });
    word = '';
    inWord = false;
  };
  for (let i = 0; i < command.length; i++) {
    const ch = command[i] as string;
    const two = command.slice(i, i + 2);
    if (ch === ' ' || ch === '\t') {
      end();
    } else if (ch === "'" || ch === '"' || ch === '`') {
      const close = closing(command, i, ch);
      word += command.slice(i + 1, close);
      inWord = true;
      i = close;
    } else if (ch === '\\') {
      word += command[i + 1] ?? '';
      inWord = true;
      i++;
    } else if (two === '$(') {
      const close = closingParen(command, i + 1);
      word += command.slice(i, close + 1);
      inWord = true;
      i = close;
    } else if (ch === '#' && !inWord) {
      break;
    } else if (two === '&&' || two === '||') {
      end();
      tokens.push({ op: two });
      i++;
    } else if ((ch === '&' && !/[<>]$/.test(word)) || ch === ';' || ch === '|' || ch === '(' || ch === ')' || ch === '\n') {
      end();
      tokens.push({ op: ch });
    } else {
      word += ch;
      inWord = true;
    }
  }
  end();
  return tokens;
}

function closing(text: string, open: number, quote: string): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\' && quote !== "'") i++;
    else if (text[i] === quote) return i;
  }
  return text.length;
}

function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return text.length;
}

/** Pipelines (split at && || ; & and newlines), each a list of stages (split at |). */
function pipelines(tokens: Token[]): string[][][] {
  const result: string[][][] = [];
  let stages: string[][] = [[]];
  for (const token of tokens) {
    if ('word' in token) (stages[stages.length - 1] as string[]).push(token.word);
    else if (token.op === '|') stages.push([]);
    else if (SEPARATORS.has(token.op)) {
      result.push(stages);
      stages = [[]];
    }
  }
  result.push(stages);
  return result;
}

/** The words of one simple command from its program on: keywords, assignments, wrappers and redirections left out. */
function simpleCommand(stage: string[]): string[] {
  const words: string[] = [];
  let skipTarget = false;
  for (const word of stage) {
    if (skipTarget) {
      skipTarget = false;
      continue;
    }
    if (/^\d*(?:>>?|<<?|&>|>\||<>)/.test(word)) {
      // A redirection: its target is attached (`>/dev/null`, `2>&1`) or the next word.
      skipTarget = /^\d*(?:>>?|<<?|&>|>\||<>)&?$/.test(word);
      continue;
    }
    if (words.length === 0 && (KEYWORDS.has(word) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(word))) continue;
    words.push(word);
  }
  while (words.length > 0 && WRAPPERS.has(words[0] as string)) {
    words.shift();
    while (words.length > 1 && /^(-|\d+[smhd]?$|[A-Za-z_][A-Za-z0-9_]*=)/.test(words[0] as string)) words.shift();
  }
  return words;
}

function basename(word: string): string {
  const trimmed = word.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function sanitize(stem: string): string {
  return stem
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/_{2,}/g, '_')
    .replace(/^[._-]+/, '')
    .slice(0, MAX_STEM)
    .replace(/[._-]+$/, '');
}
