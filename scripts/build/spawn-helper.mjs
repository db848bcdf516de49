// Builds dist/native/spawn-helper from native/spawn_helper.c (a small C helper that starts task
// processes far more cheaply than Node's spawn). Optional: without it runs use Node's spawn.
import { buildNative } from './native.mjs';

// -pthread: health files are written by a thread of its own.
buildNative({ source: 'spawn_helper.c', target: 'spawn-helper', what: 'spawn helper', fallback: "runs will use Node's spawn", flags: ['-pthread'] });
