// Processes that exist only in the fake clock's time, behind the local executor's spawn back-end
// interface (so timeouts, stopping and reaping run the real executor code). A command is a
// script of the form `sleep=<ms> exit=<code> [ignore-term]`; every start is recorded with its instant.
import type { ProcessExit, ProcessSpec, RunningProcess, SpawnBackend } from '../../src/adapters/process/spawnBackend.js';
import type { FakeClock } from './fakeClock.js';

export interface Spawn {
  task: string;
  at: number;
  trigger: string;
  attempt: number;
  pid: number;
  env: Record<string, string>;
}

export class FakeBackend implements SpawnBackend {
  readonly spawns: Spawn[] = [];
  private pid = 1000;
  private live = 0;
  maxLive = 0;
  /** What `whenStartsCatchUp` answers: set by a test to stand for starts the back end has still to make. */
  startsBacklog: Promise<void> | null = null;

  constructor(private readonly clock: FakeClock) {}

  whenStartsCatchUp(): Promise<void> | null {
    return this.startsBacklog;
  }

  start(spec: ProcessSpec): RunningProcess {
    const sleep = Number(/sleep=(\d+)/.exec(spec.command)?.[1] ?? 0);
    const code = Number(/exit=(\d+)/.exec(spec.command)?.[1] ?? 0);
    const ignoreTerm = spec.command.includes('ignore-term');
    const pid = this.pid++;
    this.spawns.push({
      task: spec.env.CONDUCTOR_TASK ?? '?',
      at: this.clock.now(),
      trigger: spec.env.CONDUCTOR_TRIGGER ?? '?',
      attempt: Number(spec.env.CONDUCTOR_ATTEMPT),
      pid,
      env: spec.env,
    });
    this.live++;
    this.maxLive = Math.max(this.maxLive, this.live);
    let alive = true;
    let finish: (exit: ProcessExit) => void = () => {};
    const exited = new Promise<ProcessExit>((resolve) => {
      finish = (exit) => {
        if (!alive) return;
        alive = false;
        this.live--;
        cancel();
        resolve(exit);
      };
    });
    const cancel = this.clock.at(this.clock.now() + sleep, () => finish({ exitCode: code, signal: null, startError: null }));
    return {
      pid,
      startTicks: 1,
      exited,
      signalGroup(signal) {
        if (!alive) return false;
        if (signal === 'SIGKILL' || (signal === 'SIGTERM' && !ignoreTerm)) finish({ exitCode: null, signal, startError: null });
        return true;
      },
      groupAlive: () => alive,
    };
  }
}
