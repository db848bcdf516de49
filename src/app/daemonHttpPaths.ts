// Where the daemon writes its HTTP address, one line (`http://127.0.0.1:8080`), for scripts,
// tests and the CLI; removed when it stops.
import path from 'node:path';
import type { HomePaths } from './paths.js';

export function httpUrlFile(paths: HomePaths): string {
  return path.join(paths.statusDir, 'http.url');
}
