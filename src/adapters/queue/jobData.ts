// An attempt as a job's data: what the worker needs, nothing of the scheduler's own environment.
// The env is the attempt's (the task's `env`, what the trigger hands over, CONDUCTOR_*); the
// worker runs it under its own environment, as a local run runs under the daemon's. A working
// directory inside the scheduler's home travels relative, so it resolves against the worker's
// home (`worker --home`); one outside it travels as the absolute path it is.
import path from 'node:path';
import type { AttemptSpec } from '../../ports/executor.js';
import type { JobData } from './messages.js';

export function jobDataOf(spec: AttemptSpec, home: string): JobData {
  const relative = path.relative(home, spec.cwd);
  const inside = relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
  return {
    run_id: spec.run_id,
    attempt: spec.attempt,
    task: spec.task,
    trigger: spec.trigger,
    command: spec.command,
    cwd: inside ? relative || '.' : spec.cwd,
    env: spec.env,
    timeout_ms: spec.timeoutMs,
    kill_grace_ms: spec.killGraceMs,
  };
}
