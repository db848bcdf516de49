// A crontab's text as numbered lines. A byte-order mark and CRLF line ends are taken off and
// reported: cron itself would keep them, breaking the first line and the end of every command,
// but the user's intent is plain. A NUL byte means the file is not a crontab at all.
import type { CrontabLine, LineMessage } from './types.js';

export type SplitLines = { readonly lines: CrontabLine[]; readonly notes: LineMessage[] } | { readonly problem: string };

/** The lines of `text`, numbered from 1, with the notes on what was taken off. */
export function splitCrontabLines(text: string): SplitLines {
  if (text.includes('\u0000')) return { problem: 'is not a text file (it contains NUL bytes), so not a crontab' };
  const notes: LineMessage[] = [];
  let body = text;
  if (body.charCodeAt(0) === 0xfeff) {
    body = body.slice(1);
    notes.push({ line: null, message: 'a byte-order mark at the start was ignored (cron would have read it as part of line 1)' });
  }
  const raw = body.split('\n');
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  let crlf = 0;
  const lines = raw.map((text, index) => {
    if (!text.endsWith('\r')) return { number: index + 1, text };
    crlf++;
    return { number: index + 1, text: text.slice(0, -1) };
  });
  if (crlf > 0) {
    notes.push({
      line: null,
      message: `${crlf} line${crlf === 1 ? '' : 's'} ended in CRLF; read as LF (cron would have kept the CR at the end of each command)`,
    });
  }
  return { lines, notes };
}
