// What Linux's /proc says about a process: its start time (to tell a recycled pid), whether a
// process group still has a live (non-zombie) member, a process's children, its environment.
import fs from 'node:fs';
import { readText } from '../readText.js';

interface ProcStat {
  state: string;
  ppid: number;
  pgrp: number;
  startTicks: number;
  /** The command name (at most 15 bytes). */
  comm: string;
}

function readStat(pid: number): ProcStat | null {
  const text = readText(`/proc/${pid}/stat`, 'latin1');
  if (text === null) return null;
  // The command name (field 2) may hold spaces and parentheses: fields follow the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const startTicks = Number(fields[19]);
  const comm = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
  return { state: fields[0] ?? '?', ppid: Number(fields[1]), pgrp: Number(fields[2]), startTicks, comm };
}

/** What /proc says about a live process: its group, start time and name; null when gone or a zombie. */
export function processInfo(pid: number): { pgrp: number; startTicks: number; comm: string } | null {
  const stat = readStat(pid);
  if (!stat || stat.state === 'Z' || stat.state === 'X') return null;
  return { pgrp: stat.pgrp, startTicks: stat.startTicks, comm: stat.comm };
}

/** The children of `pid` (its task's children file, or a scan of /proc where that file is missing). */
export function childrenOf(pid: number): number[] {
  // Asked at the end of every run (a hundred running at once: a long list): one open, reads into
  // a shared buffer, one close (readText).
  const text = readText(`/proc/${pid}/task/${pid}/children`, 'latin1');
  if (text !== null) {
    const trimmed = text.trim();
    return trimmed === '' ? [] : trimmed.split(' ').map(Number);
  }
  // CONFIG_PROC_CHILDREN off: look at every process's parent
  const found: number[] = [];
  for (const entry of listProc()) if (readStat(entry)?.ppid === pid) found.push(entry);
  return found;
}

/**
 * True when the environment `pid` started with holds every one of these exact `KEY=VALUE` entries
 * (ASCII: the conductor's own marks). Asked at the end of a run for each child of the spawn helper
 * that is no known shell, such as one started an instant ago: read into the shared buffer and
 * searched in place, with no array and set of the whole environment (~65 us a process before).
 */
export function environmentHas(pid: number, entries: readonly string[]): boolean {
  const text = readText(`/proc/${pid}/environ`, 'latin1');
  if (text === null) return false;
  // Every entry ends with a NUL; with one put in front, each is found as NUL + entry + NUL.
  const all = `\0${text}`;
  return entries.every((entry) => all.includes(`\0${entry}\0`));
}

function listProc(): number[] {
  try {
    return fs.readdirSync('/proc').filter((e) => e.charCodeAt(0) >= 48 && e.charCodeAt(0) <= 57).map(Number);
  } catch {
    return [];
  }
}

/** Clock ticks since boot at which `pid` started, or null if there is no such process. */
export function processStartTicks(pid: number): number | null {
  return readStat(pid)?.startTicks ?? null;
}

/** True when some process of group `pgid` is alive and not a zombie. */
export function groupHasLiveMember(pgid: number): boolean {
  // Asked at the end of every run, when the group is usually gone: the ESRCH error is the common
  // answer, so it is made without a stack trace (~35 us each otherwise).
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
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

/** True when `pid` exists and started at `startTicks` (so it is the same process, not a recycled pid), a zombie included. */
export function isSameProcess(pid: number, startTicks: number | null): boolean {
  const stat = readStat(pid);
  if (!stat) return false;
  return startTicks === null || stat.startTicks === startTicks;
}

/**
 * True when that process still lives: the same process, and not a zombie. A daemon killed with -9
 * stays a zombie until its parent reaps it (~1 s under some inits, for good under a parent that
 * never does); its runs are orphans all the same, and a daemon started meanwhile must recover them.
 */
export function isLiveProcess(pid: number, startTicks: number | null): boolean {
  const stat = readStat(pid);
  if (!stat || stat.state === 'Z' || stat.state === 'X') return false;
  return startTicks === null || stat.startTicks === startTicks;
}
