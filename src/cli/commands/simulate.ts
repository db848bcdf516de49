// `simulate [--from ISO] [--days 7 | --until ISO] [--task NAME] [--durations FILE] [--json]`:
// what the daemon would do in a window, fire by fire, without running anything.
import type { CommandModule } from 'yargs';
import { emptyProblem, firstProblem, givenNumber, pathsFrom, stopWhenOutputCloses, type GlobalArgs } from '../shared.js';

/** Ten years; longer windows are not a question anyone asks of a scheduler. */
const MAX_DAYS = 3660;

interface Args extends GlobalArgs {
  from?: string;
  days?: number;
  until?: string;
  task?: string;
  durations?: string;
  json?: boolean;
}

/**
 * A pipe on stdout is non-blocking under libuv: a 64 KB chunk meets a pipe the reader has not
 * emptied yet (its capacity is 64 KB), is written in part, and from then on every chunk is
 * queued (the stream is not empty) until the fast path next pauses for 'drain': ~20 MB of
 * buffers held, ten old-space collections instead of one, and the loop suspended and resumed,
 * ~0.3-0.7 s of CPU a year of JSON. In blocking mode (what Node does for a terminal) each write
 * waits in the kernel for the reader, as to a file: nothing is queued and a slow reader still
 * holds the simulation back. A closed pipe still fails the write with EPIPE (main.ts).
 */
function writeStdoutInBlockingMode(): void {
  const handle = (process.stdout as unknown as { _handle?: { setBlocking?: (blocking: boolean) => number } })._handle;
  handle?.setBlocking?.(true);
}

export const simulateCommand: CommandModule<GlobalArgs, Args> = {
  command: 'simulate',
  describe: 'What the daemon would run in a window, in order, with waits and skips and why (runs nothing)',
  builder: (y) =>
    y
      .option('from', { type: 'string', requiresArg: true, describe: 'start of the window (default: now); without an offset, in the settings zone' })
      .option('days', { type: 'number', requiresArg: true, describe: `length of the window in days (default 7, at most ${MAX_DAYS})` })
      .option('until', { type: 'string', requiresArg: true, describe: 'end of the window instead of --days' })
      .option('task', { alias: 't', type: 'string', requiresArg: true, describe: 'print only this task (all tasks are still simulated)' })
      .option('durations', { type: 'string', requiresArg: true, describe: 'a JSON file {"task": seconds} of expected durations (default: medians of the history, else 0)' })
      .option('json', { type: 'boolean', describe: 'print [{at, task, trigger, waits_on, outcome, reason, start, end}]' })
      .conflicts('days', 'until')
      .check((a) =>
        firstProblem(
          emptyProblem('--from', a.from),
          emptyProblem('--until', a.until),
          emptyProblem('--task', a.task),
          emptyProblem('--durations', a.durations),
          a.days === undefined || (typeof a.days === 'number' && a.days > 0 && a.days <= MAX_DAYS)
            ? null
            : `--days takes a number of days above 0 and at most ${MAX_DAYS}; got ${givenNumber(a.days, ['--days'])}.`,
        ),
      )
      .example('$0 simulate', 'the coming week')
      .example('$0 simulate --from 2025-10-25 --days 3 --task backup', 'one task over a daylight-saving weekend')
      .example('$0 simulate --durations durations.json --json', 'with expected durations, as JSON'),
  handler: async (argv) => {
    stopWhenOutputCloses();
    writeStdoutInBlockingMode();
    // Stopped by a signal (Ctrl-C on a year of fires): exit 3 as the contract says, not 130/143.
    const [{ onStopSignals }, { EXIT }] = await Promise.all([import('../../app/signals.js'), import('../../core/errors.js')]);
    onStopSignals(() => process.exit(EXIT.interrupted));
    const [{ loadConfig }, { simulateHome }, { resolveWindow }, render] = await Promise.all([
      import('../../app/loadConfig.js'),
      import('../../app/simulate/simulateHome.js'),
      import('../../app/simulate/window.js'),
      import('../render/simulation.js'),
    ]);
    const paths = pathsFrom(argv);
    const { config } = loadConfig(paths.config);
    if (argv.task !== undefined) {
      const { findTask } = await import('../../app/selectTasks.js');
      findTask(config, argv.task);
    }
    const window = resolveWindow(config, { from: argv.from, days: argv.days, until: argv.until, now: Date.now() });
    // The printer runs on a second thread where its compiled file is there (always, once built).
    const threaded = (await import('../render/simulationThread.js')).threadedPrinter(argv.json ? 'json' : 'text', config, window);
    const printer = threaded ?? (argv.json ? render.jsonPrinter(config) : render.textPrinter(config, window));
    // The fast path runs without pausing: it waits for a backed-up stdout (a pipe read slowly) so the output is never held in memory.
    // It also lets the event loop turn now and then (every 4 questions, ~8,000 steps), so that
    // a Ctrl-C is heard within a few milliseconds, not when a year of fires is done.
    let asked = 0;
    const outputReady = () =>
      process.stdout.writableNeedDrain
        ? new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()))
        : ++asked % 4 === 0
          ? new Promise<void>((resolve) => setImmediate(resolve))
          : null;
    try {
      await simulateHome(
        paths,
        { ...window, durationsFile: argv.durations, config, note: (text) => process.stderr.write(`symphony-conductor: ${text}\n`) },
        (fire) => {
          if (argv.task === undefined || fire.task === argv.task) printer.fire(fire);
        },
        { outputReady },
      );
    } catch (error) {
      threaded?.abort();
      throw error;
    }
    await printer.end();
  },
};
