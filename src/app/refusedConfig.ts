// How a refused config is logged (a reload, a watch block whose schema no longer compiles): a
// summary and `problems`, each naming where it is. An error that has no list (a file that is not
// JSON, or cannot be read) is its own one problem, its message naming the file, line and column:
// `problems=[]` would say there was nothing wrong.
import { formatProblem, isConductorError } from '../core/errors.js';

export interface RefusedConfig {
  /** The error's summary line (`config.json: invalid config, 2 problems:`), or null when it is the one problem. */
  summary: string | null;
  problems: string[];
}

export function refusedConfig(error: unknown): RefusedConfig {
  const message = error instanceof Error ? error.message : String(error);
  if (isConductorError(error) && error.problems.length > 0) return { summary: message, problems: error.problems.map(formatProblem) };
  return { summary: null, problems: [message] };
}
