// Who this process runs as, named as chown takes it, for messages that say whose write failed.
import os from 'node:os';

/**
 * The name of the process's own uid (not $USER, which su, sudo -E and setpriv leave as it was),
 * else the uid itself when it has no name.
 */
export function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'the current user');
  }
}
