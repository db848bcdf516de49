// doctor's lines: the status in words (and colour on a terminal), the check, what was found,
// and the fix on the same line.
import type { Finding } from '../../app/doctor/finding.js';

const WORD = { ok: 'ok', warn: 'warn', fail: 'FAIL', skip: 'skip' } as const;
const COLOUR = { ok: 32, warn: 33, fail: 31, skip: 90 } as const;

export function renderFindings(findings: Finding[], colour: boolean): string {
  const width = Math.max(...findings.map((f) => f.check.length));
  const lines = findings.map((f) => {
    const word = WORD[f.status].padEnd(4);
    const status = colour ? `\x1b[${COLOUR[f.status]}m${word}\x1b[0m` : word;
    return `${status}  ${f.check.padEnd(width)}  ${f.message}${f.fix ? ` -- fix: ${f.fix}` : ''}`;
  });
  const problems = findings.filter((f) => f.status === 'fail').length;
  lines.push(problems === 0 ? 'no problems found' : `${problems} problem${problems === 1 ? '' : 's'} found`);
  return `${lines.join('\n')}\n`;
}
