// Protected patterns: paths the cleanup tools never touch, whatever the candidates say.
// Syntax (gitignore-like, documented in docs/maintenance.md):
//   `name` or `name/`  - a file or directory with that name at any depth, and all below it;
//   `a/b`, `/a/b`      - that path from the root, and all below it;
//   `*` any bytes but `/`, `**` any bytes, `?` one byte.
import { ConductorError } from '../../core/errors.js';
import { fromText, fsPath, type BytePath } from './bytePath.js';
import { absolute, STATE, type MaintenanceRoot } from './maintenanceRoot.js';
import { readTextNoFollow } from './noFollow.js';

/** Defaults: git's files, the config, sources, databases, installed dependencies, secrets. */
export const DEFAULT_PROTECTED = [
  '.git/',
  '.gitignore',
  '.gitattributes',
  '.gitmodules',
  'config/',
  'src/',
  '*.db',
  '*.db-wal',
  '*.db-shm',
  '*.db-journal',
  '*.sqlite',
  '*.sqlite3',
  'node_modules/',
  '.venv/',
  'venv/',
  '.env',
  '.env.*',
  'conductor.pid',
];

export interface ProtectRule {
  pattern: string;
  test(rel: BytePath): boolean;
}

/** Compiles one pattern; throws a usage error for an empty one. */
export function compilePattern(pattern: string): ProtectRule {
  const trimmed = pattern.trim().replace(/\/+$/, '');
  if (trimmed.length === 0 || trimmed === '/') {
    throw new ConductorError('USAGE', `Bad protected pattern "${pattern}"`, { problems: [{ where: '--protect', message: 'empty pattern' }] });
  }
  const anchored = trimmed.includes('/');
  const body = globToRegex(fromText(trimmed.replace(/^\/+/, '')));
  if (anchored) {
    const re = new RegExp(`^${body}(?:/|$)`, 's');
    return { pattern, test: (rel) => re.test(rel) };
  }
  const re = new RegExp(`^${body}$`, 's');
  return { pattern, test: (rel) => rel.split('/').some((part) => re.test(part)) };
}

function globToRegex(glob: string): string {
  let out = '';
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index] as string;
    if (char === '*' && glob[index + 1] === '*') {
      out += '.*';
      index += 1;
    } else if (char === '*') out += '[^/]*';
    else if (char === '?') out += '[^/]';
    else out += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}

/** Patterns from `<root>/.cleanup_protect`: one a line, `#` comments. */
export function readProtectFile(root: MaintenanceRoot): string[] {
  let text: string;
  try {
    text = readTextNoFollow(fsPath(absolute(root, STATE.protectFile)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConductorError('INPUT_INVALID', `Cannot read ${STATE.protectFile}`, { problems: [{ where: STATE.protectFile, message: (error as Error).message }], cause: error });
  }
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

/** The whole protection policy: defaults + the protect file + `--protect` flags. */
export function protectRules(root: MaintenanceRoot, extra: string[]): ProtectRule[] {
  return [...DEFAULT_PROTECTED, ...readProtectFile(root), ...extra].map(compilePattern);
}

/** The first rule that protects the path, or null. */
export function protectedBy(rules: ProtectRule[], rel: BytePath): string | null {
  return rules.find((rule) => rule.test(rel))?.pattern ?? null;
}
