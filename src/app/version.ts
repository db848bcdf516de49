// The package's version, read once from package.json beside dist/.
import fs from 'node:fs';

let cached: string | undefined;

export function packageVersion(): string {
  if (cached === undefined) {
    try {
      const text = fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
      cached = String((JSON.parse(text) as { version?: string }).version ?? 'unknown');
    } catch {
      cached = 'unknown';
    }
  }
  return cached;
}
