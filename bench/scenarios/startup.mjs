// CLI start-up: `status --json` and `next` on a home with 1000 tasks and a million history
// rows, against `node -e 0` (the floor of starting Node at all), alternated round by round.
import { NODE, CLI, alternate, buildHistoryHome, makeCase, makeTempDir, removeDir, timeOk } from '../lib.mjs';

export const description = 'status --json and next at 1000 tasks / 1M history rows vs node -e 0';

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
    await node();
    await status();
    await next();
    const samples = await alternate(params.rounds, { node, status, next }, { log });
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
        makeCase({ name: `next (${params.tasks} tasks x 5 fires)`, unit: 'ms', samples: samples.next, yardstick }),
      ],
      notes: [
        'wall time, process start to exit, stdout read through a pipe (not a TTY), after one untimed warm-up of each',
        'history rows are bulk-inserted with better-sqlite3 into the database the CLI created (same schema), then the WAL is checkpointed',
      ],
    };
  } finally {
    removeDir(home);
  }
}
