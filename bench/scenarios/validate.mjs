// Config scale: `validate` on 10,000 tasks forming a random DAG (fixed seed), against a
// Node process that only reads and JSON.parses the same file (the floor of any validation).
import { NODE, CLI, alternate, makeCase, makeTempDir, removeDir, rng, taskName, timeOk, writeConfig } from '../lib.mjs';

export const description = 'validate on a 10,000-task random DAG (fixed seed)';

export const sizes = {
  full: { tasks: 10_000, rounds: 7, seed: 11 },
  tiny: { tasks: 50, rounds: 1, seed: 11 },
};

/** n tasks; ~70% depend on 1-3 earlier tasks (a DAG by construction); schedules of every kind. */
export function randomDagTasks(n, seed) {
  const random = rng(seed);
  const schedules = ['0 2 * * *', '*/15 * * * *', '30 */4 * * 1-5', '@daily', '0 0 1 * *', '15 10 * * MON', '*/30 * * * * *', '0 9-17 * * *'];
  const tasks = [];
  for (let i = 0; i < n; i++) {
    const task = { name: taskName(i), command: `echo ${i}` };
    const deps = new Set();
    if (i > 0 && random() < 0.7) {
      const count = 1 + Math.floor(random() * 3);
      for (let k = 0; k < count; k++) deps.add(taskName(Math.floor(random() * i)));
    }
    if (deps.size > 0) task.dependencies = [...deps];
    if (deps.size === 0 || random() < 0.5) task.schedule = schedules[Math.floor(random() * schedules.length)];
    if (random() < 0.1) task.timeout = 60 + Math.floor(random() * 3600);
    if (random() < 0.1) task.retry_count = Math.floor(random() * 3);
    tasks.push(task);
  }
  return tasks;
}

export async function run(params, { log }) {
  const home = makeTempDir('validate');
  try {
    const tasks = randomDagTasks(params.tasks, params.seed);
    const file = writeConfig(home, { tasks, settings: { max_concurrent_tasks: 3, timezone: 'UTC' } });
    const edges = tasks.reduce((sum, t) => sum + (t.dependencies?.length ?? 0), 0);
    const validate = async () => {
      const result = await timeOk(NODE, [CLI, 'validate', '--home', home], { capture: true });
      if (!result.stdout.includes(`valid, ${params.tasks} tasks`)) throw new Error(`unexpected validate output: ${result.stdout.slice(0, 300)}`);
      return result.ms;
    };
    const parse = async () =>
      (await timeOk(NODE, ['-e', `JSON.parse(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`])).ms;
    await parse();
    await validate();
    const samples = await alternate(params.rounds, { parse, validate }, { log });
    return {
      cases: [
        makeCase({
          name: `validate ${params.tasks} tasks (${edges} edges)`,
          unit: 'ms',
          samples: samples.validate,
          yardstick: { name: 'node: read + JSON.parse', samples: samples.parse },
          target: { text: 'under 1 s', stat: 'median', op: '<=', limit: 1000 },
          extra: { edges },
        }),
      ],
      notes: ['wall time of the whole command, process start to exit, after one untimed warm-up'],
    };
  } finally {
    removeDir(home);
  }
}
