// The task names a shell completes: every task of the config when it loads; none, silently,
// when it does not (a <Tab> must never print an error into the command line being typed).
import { loadConfig } from './loadConfig.js';
import type { HomePaths } from './paths.js';

export function taskNames(paths: HomePaths): string[] {
  try {
    return loadConfig(paths.config).config.tasks.map((task) => task.name);
  } catch {
    return [];
  }
}
