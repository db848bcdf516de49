// A history row left `running` by a conductor that is gone (killed outright, the machine lost
// power) is not running. Until a command that writes the history records it (the daemon's
// start, a foreground run), readers (status, history, health-check) report it as what it is,
// computed and never written, so nothing calls a dead run fine.
import type { RunRecord } from '../../core/types.js';
import { isLiveProcess } from '../process/procfs.js';

export interface RowOwner {
  owner_pid: number | null;
  owner_start: number | null;
}

/** The record as it stands: `interrupted`, with the reason, when it says running but its owner is dead. */
export function seenRow(record: RunRecord, owner: RowOwner): RunRecord {
  if (record.status !== 'running' || owner.owner_pid === null) return record;
  if (isLiveProcess(owner.owner_pid, owner.owner_start)) return record;
  return {
    ...record,
    status: 'interrupted',
    reason: `the conductor that ran it (pid ${owner.owner_pid}) is gone; not recorded yet (the next start or run records it)`,
  };
}
