// What Linux's /proc says about a process: its start time (to tell a recycled pid) and
// whether a process group still has a live (non-zombie) member.
import fs from 'node:fs';

interface ProcStat {
  state: string;
  pgrp: number;
  startTicks: number;
}

function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: fields follow the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const startTicks = Number(fields[19]);
  return { state: fields[0] ?? '?', pgrp: Number(fields[2]), startTicks };
}

/** Clock ticks since boot at which `pid` started, or null if there is no such process. */
export function processStartTicks(pid: number): number | null {
  return readStat(pid)?.startTicks ?? null;
}

/** True when some process of group `pgid` is alive and not a zombie. */
export function groupHasLiveMember(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  // kill(0) also succeeds for zombies that nobody reaps (e.g. under a minimal PID 1): look closer.
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return true;
  }
  for (const entry of entries) {
    const c = entry.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const stat = readStat(Number(entry));
    if (stat && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') return true;
  }
  return false;
}

/** True when `pid` runs and started at `startTicks` (so it is the same process, not a recycled pid). */
export function isSameProcess(pid: number, startTicks: number | null): boolean {
  const stat = readStat(pid);
  if (!stat) return false;
  return startTicks === null || stat.startTicks === startTicks;
}
