// Processes of an attempt that escaped its process group (setsid, a double fork) and outlived its
// shell: found among the spawn helper's children (it is their subreaper) by the attempt's marks in
// their environment (CONDUCTOR_RUN_ID, CONDUCTOR_ATTEMPT), stopped like the group would have been
// (SIGTERM to each, and to the group it leads; SIGKILL after the grace), and described for the
// attempt's reason. Signalling them is safe: an unreaped child of the helper keeps its pid.
import type { Clock } from '../../ports/clock.js';
import { environmentHas, groupHasLiveMember, processInfo } from './procfs.js';

/** After SIGKILL, how long to wait for a stray before calling it a survivor. */
const SURVIVOR_WAIT_MS = 5000;

interface Stray {
  pid: number;
  comm: string;
  /** It leads its own group (it called setsid or setpgid): the group is signalled with it. */
  leads: boolean;
}

/** Stops the strays among `candidates` marked with every one of `marks`; null when there were none. */
export async function stopStrays(candidates: number[], marks: string[], clock: Clock, graceMs: number): Promise<string | null> {
  if (marks.length === 0) return null;
  const strays: Stray[] = [];
  for (const pid of candidates) {
    // The environment first: most candidates are another run's shell started an instant ago
    // (not yet known as one), and its stat file is then not read at all.
    if (!environmentHas(pid, marks)) continue;
    const info = processInfo(pid);
    if (info) strays.push({ pid, comm: info.comm, leads: info.pgrp === pid });
  }
  if (strays.length === 0) return null;
  const alive = (s: Stray) => (s.leads ? groupHasLiveMember(s.pid) : processInfo(s.pid) !== null);
  const signal = (name: NodeJS.Signals) => {
    for (const s of strays.filter(alive)) {
      try {
        process.kill(s.leads ? -s.pid : s.pid, name);
      } catch {
        // gone in between
      }
    }
  };
  signal('SIGTERM');
  let how = 'stopped with SIGTERM';
  if (!(await until(() => !strays.some(alive), clock, graceMs))) {
    signal('SIGKILL');
    how = 'stopped with SIGKILL';
    if (!(await until(() => !strays.some(alive), clock, SURVIVOR_WAIT_MS))) how = 'some survive SIGKILL';
  }
  const list = strays.map((s) => `pid ${s.pid} (${s.comm})`).join(', ');
  const n = strays.length;
  return `${n} process${n === 1 ? '' : 'es'} left the run's process group (setsid or a double fork) and outlived it: ${list}; ${how}`;
}

async function until(done: () => boolean, clock: Clock, ms: number): Promise<boolean> {
  const deadline = clock.now() + ms;
  let wait = 5;
  while (!done()) {
    if (clock.now() >= deadline) return false;
    await new Promise<void>((resolve) => clock.at(clock.now() + wait, resolve));
    wait = Math.min(wait * 2, 100);
  }
  return true;
}
