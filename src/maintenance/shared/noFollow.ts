// State files are opened without following a final symlink: a `cleanup_actions.log` or
// `.cleanup_registry.json` planted as a link out of the root must not make the tools read or
// write there. (Folders on the way are checked by checkParents.)
import fs from 'node:fs';

const { O_RDONLY, O_WRONLY, O_APPEND, O_CREAT, O_NOFOLLOW } = fs.constants;

/** The whole file as UTF-8; ELOOP when it is a symlink. */
export function readTextNoFollow(path: Buffer): string {
  const fd = fs.openSync(path, O_RDONLY | O_NOFOLLOW);
  try {
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** Appends text, creating the file if needed; ELOOP when it is a symlink. */
export function appendNoFollow(path: Buffer, text: string, mode = 0o644): void {
  const fd = fs.openSync(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, mode);
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}
