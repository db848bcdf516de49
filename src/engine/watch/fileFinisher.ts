// What happens to a watched file after its run ended (and only then): it is moved (renamed) to
// the processed or failed folder, or stays (`null` folders, or a run stopped by a shutdown); the
// per-file status file of seed 003 is written atomically; the row is settled. A file that cannot
// be moved stays where it is, and why goes into its run's history row and its status file.
import { decodeSurrogateEscape } from '../../core/bytes/decodeSurrogateEscape.js';
import { pathIn } from '../../core/watch/fileNames.js';
import { sameIdentity } from '../../core/watch/settleCheck.js';
import type { FileOutcome } from '../../core/watch/fileOutcome.js';
import type { WatchDeps } from './types.js';
import type { WatchFileRow } from '../../ports/watchFileStore.js';

/** The status file (seed 003; spec/triggers.md "Per-file status"). */
export interface FileStatusRecord {
  file: string;
  task: string;
  run_id: string | null;
  correlation_id: string | null;
  status: FileOutcome['status'];
  message: string;
  timestamp: string;
  processed_by: string;
  worker_id: string | null;
  processing_duration_ms: number | null;
  retry_count: number;
}

export interface Ending {
  row: WatchFileRow;
  task: string;
  runId: string | null;
  correlationId: string | null;
  outcome: FileOutcome;
  /** What the run said (its reason), or why the file never ran. */
  message: string;
  slot: number | null;
  durationMs: number | null;
  attempts: number;
  /** Recovery found the file moved and its status file written (a crash came before the row was settled): only settle it. */
  alreadyFinished?: boolean;
  /** `dev:ino` of the file its run ran: another file under the name now is not moved. */
  inode?: string | null;
}

/** Moves the file (per its outcome) and writes its status file; the caller settles the row. Never throws. */
export async function finishFile(deps: WatchDeps, ending: Ending): Promise<{ movedTo: Buffer | null; moveError: string | null }> {
  const { ctx, folder, paths } = deps;
  const { row, outcome } = ending;
  if (ending.alreadyFinished) return { movedTo: null, moveError: null };
  const file = pathIn(paths.dir, row.name);
  const target = outcome.moveTo === 'processed' ? paths.processedDir : outcome.moveTo === 'failed' ? paths.failedDir : null;
  let movedTo: Buffer | null = null;
  let moveError: string | null = null;
  let gone = false;
  if (target) {
    try {
      const moved = folder.moveInto(file, row.name, target, ending.inode ?? null);
      if (moved === 'replaced') {
        // Another file took the name while the run went (renamed over it): a new file, with a run
        // of its own, unless it has the size and mtime of the one that ran (cp -p, rsync -t): a
        // file is its name, size and mtime, so it counts as that one, and it is left as it is.
        const now = folder.stat(file);
        moveError =
          now && sameIdentity(now, row)
            ? `not moved: another file took its name in ${paths.dir} while it ran, with the same size and mtime, so it counts as the file that ran and is left there (touch it to run it)`
            : `not moved: another file took its name in ${paths.dir} while it ran; that one stays for a run of its own`;
        gone = true;
      } else {
        movedTo = moved;
        gone = movedTo === null;
        if (gone) moveError = `the file was no longer in ${paths.dir} to be moved (the command, or something else, moved or deleted it)`;
      }
    } catch (error) {
      moveError = `the file stays in ${paths.dir}: ${(error as Error).message}`;
    }
    if (moveError && ending.runId) ctx.store.watchFiles.appendRunReason(ending.runId, moveError);
  }
  const shownName = decodeSurrogateEscape(row.name);
  const where = movedTo ? `moved to ${decodeSurrogateEscape(movedTo)}` : outcome.status === 'UNSPECIFIED' ? 'left in place; it runs again after the next start' : null;
  const message = [ending.message, where, moveError].filter(Boolean).join('; ');
  await writeStatusFile(deps, row.name, {
    task: ending.task,
    run_id: ending.runId,
    correlation_id: ending.correlationId,
    status: outcome.status,
    message,
    worker_id: ending.slot ? `worker-${ending.slot}` : null,
    processing_duration_ms: ending.durationMs,
    retry_count: Math.max(0, ending.attempts - 1),
  });
  // A success is already in the run's own log line ("attempt finished", with file and correlation_id).
  const log = outcome.status === 'FAILED' || (moveError && !gone) ? ctx.logger.warn : outcome.status === 'SUCCESS' ? ctx.logger.debug : ctx.logger.info;
  log.call(
    ctx.logger,
    { task: ending.task, run_id: ending.runId, correlation_id: ending.correlationId, file: shownName, status: outcome.status, moved_to: movedTo ? decodeSurrogateEscape(movedTo) : null, reason: moveError },
    `watched file ${outcome.status.toLowerCase()}`,
  );
  return { movedTo, moveError };
}

/** Writes a file's status file (the name, time and processed_by are filled in); logs, never throws. */
export async function writeStatusFile(deps: WatchDeps, name: Buffer, fields: Omit<FileStatusRecord, 'file' | 'timestamp' | 'processed_by'>): Promise<void> {
  const at = deps.ctx.clock.now();
  const record: FileStatusRecord = {
    file: decodeSurrogateEscape(name),
    task: fields.task,
    run_id: fields.run_id,
    correlation_id: fields.correlation_id,
    status: fields.status,
    message: fields.message,
    timestamp: new Date(at).toISOString(),
    processed_by: deps.processedBy,
    worker_id: fields.worker_id,
    processing_duration_ms: fields.processing_duration_ms,
    retry_count: fields.retry_count,
  };
  try {
    await deps.folder.writeStatus(deps.paths.statusDir, name, at, `${JSON.stringify(record, null, 2)}\n`);
  } catch (error) {
    deps.ctx.logger.error({ task: fields.task, run_id: fields.run_id, file: record.file, err: (error as Error).message }, 'cannot write the status file');
  }
}
