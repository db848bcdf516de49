// The last look at a watched file before its run is asked for: it must still be the file that
// was ready (same size and mtime: else it was deleted or replaced meanwhile), and with `json` (or
// `json_schema`) it must parse and match, or it fails without its command running. Its
// correlation_id is read here too; and the run request hands the file over by environment only.
import { decodeSurrogateEscape } from '../../core/bytes/decodeSurrogateEscape.js';
import type { Task } from '../../core/types.js';
import { checkJsonFile } from '../../core/watch/checkJsonFile.js';
import { correlationIdOf } from '../../core/watch/correlationId.js';
import { pathIn } from '../../core/watch/fileNames.js';
import { sameIdentity } from '../../core/watch/settleCheck.js';
import type { WatchFileRow } from '../../ports/watchFileStore.js';
import type { RunRequest } from '../runRequest.js';
import type { Flight, WatchDeps } from './types.js';

/** The most a JSON check reads. */
export const JSON_LIMIT = 64 * 1024 * 1024;
/** A `.json` file of a task without `json` is read for its correlation_id up to this size. */
const CORRELATION_LIMIT = 1024 * 1024;

export type Look =
  | { kind: 'gone'; reason: string; replaced: boolean }
  | { kind: 'run'; failure: string | null; correlationId: string | null; inode: string | null };

export async function lookBeforeRun(deps: WatchDeps, task: Task, row: WatchFileRow): Promise<Look> {
  const file = pathIn(deps.paths.dir, row.name);
  const now = deps.folder.stat(file);
  if (!now) return { kind: 'gone', reason: 'deleted before its run started', replaced: false };
  if (!sameIdentity(now, row)) return { kind: 'gone', reason: 'replaced before its run started', replaced: true };
  const spec = task.watch!;
  const inode = now.inode ?? null;
  const wantsJson = spec.json || spec.json_schema !== null;
  const named = decodeSurrogateEscape(row.name).toLowerCase().endsWith('.json') && row.size <= CORRELATION_LIMIT;
  if (!wantsJson && !named) return { kind: 'run', failure: null, correlationId: null, inode };
  if (now.size > JSON_LIMIT) {
    return { kind: 'run', failure: wantsJson ? `the file is ${now.size} bytes, over the ${JSON_LIMIT} bytes a JSON check reads` : null, correlationId: null, inode };
  }
  try {
    const check = checkJsonFile(await deps.folder.read(file, now.size), wantsJson ? deps.schema : null);
    if (check.ok) return { kind: 'run', failure: null, correlationId: correlationIdOf(check.value), inode };
    return { kind: 'run', failure: wantsJson ? check.reason : null, correlationId: null, inode };
  } catch (error) {
    return { kind: 'run', failure: wantsJson ? (error as Error).message : null, correlationId: null, inode };
  }
}

/** The run of a file: CONDUCTOR_FILE (absolute, exact bytes), _NAME and _CORRELATION_ID; never the command string. */
export function fileRunRequest(deps: WatchDeps, task: Task, flight: Flight): RunRequest {
  const shown = decodeSurrogateEscape(flight.row.name);
  return {
    task: task.name,
    trigger: 'watch',
    runId: flight.runId,
    // `run --task` of a watch task is a run by hand: a paused task still runs its files.
    byHand: deps.mode === 'once',
    approved: deps.mode === 'once' && deps.approved === true,
    lane: { name: `watch:${task.name}`, limit: task.watch!.workers },
    payload: {
      env: {
        CONDUCTOR_FILE: decodeSurrogateEscape(pathIn(deps.paths.dir, flight.row.name)),
        CONDUCTOR_FILE_NAME: shown,
        CONDUCTOR_CORRELATION_ID: flight.correlationId,
      },
      file: { name: shown, size: flight.row.size, mtime_ns: String(flight.row.mtimeNs) },
      log: { correlation_id: flight.correlationId, file: shown },
    },
  };
}
