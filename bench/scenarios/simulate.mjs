// `simulate` over a long window (issue 16: a year at 1,000 tasks, target under 2 s): the same
// decisions as the daemon (its fast path for this config), output to a pipe that is read and
// dropped. The yardstick is the floor of any simulation: croner alone enumerating the same fires.
import path from 'node:path';
import { NODE, CLI, REPO, alternate, makeCase, makeTempDir, removeDir, taskName, timeOk, writeConfig } from '../lib.mjs';

export const description = 'simulate a year at 1,000 tasks (daily, weekly, monthly, a few hourly)';

export const sizes = {
  // Three rounds now that simulate takes seconds (its fast path), not minutes; the croner floor takes ~90 s a round.
  full: { tasks: 1000, days: 365, rounds: 3 },
  tiny: { tasks: 20, days: 7, rounds: 1 },
};

/** An operator's mix: half daily, 30% weekly, 15% monthly, 5% hourly; a fifth depend on an earlier task. */
function operatorTasks(n) {
  const tasks = [];
  for (let i = 0; i < n; i++) {
    const kind = i % 20;
    const schedule =
      kind < 10 ? `${i % 60} ${(i * 7) % 24} * * *` : kind < 16 ? `${i % 60} ${(i * 3) % 24} * * ${i % 7}` : kind < 19 ? `${(i * 11) % 60} ${(i * 5) % 24} ${1 + (i % 28)} * *` : `${i % 60} * * * *`;
    const task = { name: taskName(i), command: `echo ${i}`, schedule };
    if (i > 0 && i % 5 === 0) task.dependencies = [taskName(i - 1)];
    tasks.push(task);
  }
  return tasks;
}

export async function run(params, { log }) {
  const home = makeTempDir('simulate');
  try {
    const tasks = operatorTasks(params.tasks);
    const file = writeConfig(home, { tasks, settings: { timezone: 'UTC' } });
    const from = '2027-01-01T00:00:00Z';
    const croner = path.join(REPO, 'node_modules', 'croner', 'dist', 'croner.cjs');
    const floorScript = `
      const { Cron } = require(${JSON.stringify(croner)});
      const tasks = JSON.parse(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8')).tasks;
      const start = new Date(${JSON.stringify(from)}), end = new Date(start.getTime() + ${params.days} * 86400000);
      let fires = 0;
      for (const t of tasks) {
        const cron = new Cron(t.schedule, { timezone: 'UTC', paused: true });
        for (let at = cron.nextRun(start); at && at < end; at = cron.nextRun(at)) fires++;
      }
      console.log(fires);`;
    let fires = 0;
    const floor = async () => {
      const result = await timeOk(NODE, ['-e', floorScript], { capture: true });
      fires = Number(result.stdout.trim());
      return result.ms;
    };
    const simulate = async () => (await timeOk(NODE, [CLI, 'simulate', '--home', home, '--from', from, '--days', String(params.days), '--json'])).ms;
    const samples = await alternate(params.rounds, { floor, simulate }, { log });
    return {
      cases: [
        makeCase({
          name: `simulate ${params.days} days, ${params.tasks} tasks`,
          unit: 'ms',
          samples: samples.simulate,
          yardstick: { name: 'croner alone: the same fires', samples: samples.floor },
          target: { text: 'under 2 s', stat: 'median', op: '<=', limit: 2000 },
          extra: { fires },
        }),
      ],
      notes: [`${fires} fires; wall time of the whole command, its JSON read from a pipe and dropped`],
    };
  } finally {
    removeDir(home);
  }
}
