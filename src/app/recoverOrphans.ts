// After a daemon died (kill -9, power cut), its attempts are still `running` in the history.
// At the next start they are marked interrupted, and their process groups, if still alive and
// really theirs (same pid and start time), are stopped. Attempts of a live foreground `run`
// (their owner process is alive) are left alone.
import { isSameProcess } from '../adapters/process/procfs.js';
import { healthTimestamp } from '../core/health.js';
import type { Config } from '../core/types.js';
import type { HealthStore } from '../ports/healthWriter.js';
import type { Logger } from '../ports/logger.js';
import type { RunStore } from '../ports/runStore.js';

export async function recoverOrphans(store: RunStore, health: HealthStore, config: Config, logger: Logger): Promise<number> {
  const orphans = store.orphans().filter((row) => row.owner_pid === null || !isSameProcess(row.owner_pid, row.owner_start));
  for (const row of orphans) {
    let exitCode: number | null = null;
    if (row.pid !== null && isSameProcess(row.pid, row.pid_start)) {
      const grace = config.tasks.find((t) => t.name === row.task)?.kill_grace ?? 10;
      exitCode = await stopGroup(row.pid, grace);
      logger.warn({ task: row.task, run_id: row.run_id, pid: row.pid }, 'stopped the process group of a run left by a dead daemon');
    }
    const now = Date.now();
    store.markInterrupted(row.id, now, exitCode, `the conductor (pid ${row.owner_pid ?? '?'}) stopped while this ran; found at start-up`);
    health.write(row.task, { status: 'interrupted', timestamp: healthTimestamp(now), exit_code: exitCode });
    logger.warn({ task: row.task, run_id: row.run_id, attempt: row.attempt }, 'marked a run left running as interrupted');
  }
  await health.flush();
  return orphans.length;
}

/** SIGTERM to the group, SIGKILL after the grace; the exit code the contract records for it. */
async function stopGroup(pgid: number, graceSeconds: number): Promise<number> {
  const alive = () => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {
    return 143;
  }
  const deadline = Date.now() + graceSeconds * 1000;
  while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!alive()) return 143;
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // gone in between
  }
  return 137;
}
