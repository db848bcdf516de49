// Writes the built-in JSON Schema to config/conductor_config.schema.json, so editors that
// follow a config's "$schema" key show the same help the conductor checks against.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { configSchema } = await import(path.join(root, 'dist', 'core', 'config', 'schema.js'));
const target = path.join(root, 'config', 'conductor_config.schema.json');
const text = `${JSON.stringify(configSchema, null, 2)}\n`;
const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
if (current !== text) {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(`${target}.tmp`, text);
  fs.renameSync(`${target}.tmp`, target);
}
