// State files are opened without following a final symlink and only when they are regular
// files: a `cleanup_actions.log` or `.cleanup_registry.json` planted as a link out of the root,
// or as a fifo, must not make the tools read or write there, or hang. (Folders on the way are
// checked by checkParents.)
import fs from 'node:fs';
import { openRegular } from './openRegular.js';

/** The whole file as UTF-8; ELOOP when it is a symlink, NotRegularFileError for a fifo and such. */
export function readTextNoFollow(path: fs.PathLike): string {
  const fd = openRegular(path, 'read');
  try {
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** Appends text, creating the file if needed; ELOOP when it is a symlink. */
export function appendNoFollow(path: fs.PathLike, text: string, mode = 0o644): void {
  const fd = openRegular(path, 'append', mode);
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}
