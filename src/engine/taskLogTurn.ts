// The task log has one writer at a time, across processes (the store's claim): the attempt that
// writes it directly, or a process appending the finished output of attempts that overlapped.
// Whoever holds it appends what has finished before letting go, and checks again in the same
// transaction as the release, so a file finished meanwhile is never left behind; one that
// finishes while another holds the log is appended by that holder.
import type { Clock } from '../ports/clock.js';
import type { AttemptHeader, AttemptLog } from '../ports/taskLog.js';
import type { EngineContext } from './context.js';

/** What taking turns at a task's log needs. */
export type LogTurnContext = Pick<EngineContext, 'store' | 'taskLog' | 'logger'> & { clock: Pick<Clock, 'now'> };

let turns = 0;

/**
 * The task's log when the attempt can claim it (no other run of the task writes it), else its own
 * file. `deferHeader`: the header waits for the attempt's start (the log's `writeHeader`).
 */
export function openAttemptLog(ctx: LogTurnContext, header: AttemptHeader, token: string, deferHeader = false): AttemptLog {
  const direct = ctx.store.claimTaskLog(header.task, token, header.at);
  try {
    return ctx.taskLog.openAttempt(header, direct, deferHeader);
  } catch (error) {
    if (direct) ctx.store.releaseTaskLog(header.task, token);
    throw error;
  }
}

/** Closes the attempt's output (its own file is then finished); a failure is logged, never thrown. */
export function closeAttemptLog(ctx: LogTurnContext, log: AttemptLog): void {
  try {
    ctx.taskLog.close(log);
  } catch (error) {
    ctx.logger.warn({ file: log.path, err: (error as Error).message }, 'cannot close the output of an attempt');
  }
}

/**
 * Appends the finished overlapping output of `task` to its log, then releases the log. `held`:
 * the token this caller already holds it with (a direct writer), or null (claim it if needed).
 */
export async function handOverTaskLog(ctx: LogTurnContext, task: string, held: string | null): Promise<void> {
  let token = held;
  try {
    for (;;) {
      if (token === null) {
        // The claim first: while another holds the log (the common case when runs overlap), it
        // appends this file before it lets go, and no folder is listed here.
        const mine = `append:${process.pid}:${++turns}`;
        const claimed = ctx.store.batch(() => {
          if (!ctx.store.claimTaskLog(task, mine, ctx.clock.now())) return false;
          if (ctx.taskLog.hasFinished(task)) return true;
          ctx.store.releaseTaskLog(task, mine);
          return false;
        });
        if (!claimed) return;
        token = mine;
      }
      const appended = await ctx.taskLog.appendFinished(task);
      if (appended > 0) ctx.logger.info({ task, runs: appended }, 'appended the output of overlapping runs to the task log');
      const holding = token;
      const released = ctx.store.batch(() => {
        if (ctx.taskLog.hasFinished(task)) return false;
        ctx.store.releaseTaskLog(task, holding);
        return true;
      });
      if (released) return;
    }
  } catch (error) {
    ctx.logger.warn(
      { task, err: (error as Error).message },
      'cannot append the output of overlapping runs to the task log; it waits beside it for a later run of the task',
    );
    if (token !== null) {
      try {
        ctx.store.releaseTaskLog(task, token);
      } catch {
        // a dead holder's claim is taken over anyway
      }
    }
  }
}
