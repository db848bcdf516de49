// CLI start-up: `status --json`, `run --task` of a task whose command is `true`, and `next` on a
// home with 1000 tasks and a million history rows, against `node -e 0` (the floor of starting
// Node at all), alternated round by round. The home's config is as shipped: the HTTP server on
// (its default; only the port is a free one), no watcher, the local executor. The CLI keeps V8's
// caches of what each command compiled (src/cli/chunkLoader.ts): the untimed warm-up of each
// command makes them, as a user's first run does; `run --task` is also timed without them
// (CONDUCTOR_NO_COMPILE_CACHE), as the first run after an install or a Node upgrade is.
import fs from 'node:fs';
import path from 'node:path';
import { NODE, CLI, alternate, buildHistoryHome, makeCase, makeTempDir, removeDir, timeOk, writeConfig } from '../lib.mjs';

export const description = 'status --json, run --task (true) and next at 1000 tasks / 1M history rows vs node -e 0';

/** The task `run --task` runs: the first of the home, its command made `true` (it has no dependencies). */
function makeFirstTaskTrue(home) {
  const file = path.join(home, 'config', 'conductor_config.json');
  const config = JSON.parse(fs.readFileSync(file, 'utf8'));
  config.tasks[0].command = 'true';
  if (config.settings?.http?.enabled === false) throw new Error('the startup home must keep the HTTP server on, as shipped');
  writeConfig(home, config);
  return config.tasks[0].name;
}

export const sizes = {
  full: { tasks: 1000, rows: 1_000_000, rounds: 10 },
  tiny: { tasks: 10, rows: 1000, rounds: 1 },
};

export async function run(params, { log }) {
  const home = makeTempDir('startup');
  try {
    const built = Date.now();
    await buildHistoryHome(home, { tasks: params.tasks, rows: params.rows });
    log(` home built in ${Date.now() - built} ms`);
    const trueTask = makeFirstTaskTrue(home);
    const node = async () => (await timeOk(NODE, ['-e', '0'])).ms;
    const status = async () => {
      const result = await timeOk(NODE, [CLI, 'status', '--json', '--home', home], { capture: true });
      const report = JSON.parse(result.stdout);
      if (report.tasks.length !== params.tasks) throw new Error(`status listed ${report.tasks.length} tasks, not ${params.tasks}`);
      return result.ms;
    };
    const next = async () => {
      const result = await timeOk(NODE, [CLI, 'next', '--home', home], { capture: true });
      const lines = result.stdout.trim().split('\n').length;
      if (lines !== params.tasks * 5) throw new Error(`next printed ${lines} lines, not ${params.tasks * 5}`);
      return result.ms;
    };
    const noCache = { ...process.env, CONDUCTOR_NO_COMPILE_CACHE: '1' };
    const runTrue = async (env = process.env) => {
      const result = await timeOk(NODE, [CLI, 'run', '--task', trueTask, '--json', '--home', home], { capture: true, env });
      const outcomes = JSON.parse(result.stdout);
      if (outcomes.length !== 1 || outcomes[0].status !== 'success') throw new Error(`run --task ${trueTask}: ${result.stdout.trim().slice(0, 300)}`);
      return result.ms;
    };
    await node();
    await status();
    await runTrue();
    await next();
    const samples = await alternate(params.rounds, { node, status, run: () => runTrue(), next, 'run uncached': () => runTrue(noCache) }, { log });
    const yardstick = { name: 'node -e 0', samples: samples.node };
    return {
      cases: [
        makeCase({
          name: `status --json (${params.tasks} tasks, ${params.rows} rows)`,
          unit: 'ms',
          samples: samples.status,
          yardstick,
          target: { text: 'within 3x of node -e 0', stat: 'ratio', op: '<=', limit: 3 },
        }),
        makeCase({
          name: `run --task of true, wall (${params.tasks} tasks, ${params.rows} rows)`,
          unit: 'ms',
          samples: samples.run,
          yardstick,
          target: { text: 'within 3x of node -e 0', stat: 'ratio', op: '<=', limit: 3 },
        }),
        makeCase({ name: `run --task of true, wall, without the compile cache (${params.tasks} tasks, ${params.rows} rows)`, unit: 'ms', samples: samples['run uncached'], yardstick }),
        makeCase({ name: `next (${params.tasks} tasks x 5 fires)`, unit: 'ms', samples: samples.next, yardstick }),
      ],
      notes: [
        'wall time, process start to exit, stdout read through a pipe (not a TTY), after one untimed warm-up of each (it writes the command\'s compile cache, as a user\'s first run does)',
        'run --task without the compile cache: CONDUCTOR_NO_COMPILE_CACHE=1, as the first run of a command after a build or a Node upgrade (which then writes the cache: ~15-25 ms more, once)',
        'run --task: the home\'s first task with its command made `true`, no daemon running (so it runs in the foreground: the spawn helper, the history rows, the task log and the health file, as a user\'s run does); each round adds one run to the history',
        'the config is as shipped: the HTTP server on (its default; a free port), the local executor, no watch task',
        'history rows are bulk-inserted with better-sqlite3 into the database the CLI created (same schema), then the WAL is checkpointed',
      ],
    };
  } finally {
    removeDir(home);
  }
}
