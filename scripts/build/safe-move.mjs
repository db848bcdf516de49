// Builds dist/native/safe-move from native/safe_move.c (renames beneath the root that never follow
// a symlink, and the cleanup lock). Optional: without it the maintenance tools rename with Node
// after checking each folder (a narrow window remains) and take their lock with flock(1).
import { buildNative } from './native.mjs';

buildNative({
  source: 'safe_move.c',
  target: 'safe-move',
  what: 'safe-move helper',
  fallback: 'cleanup and restore will rename with Node (see docs/maintenance.md)',
});
