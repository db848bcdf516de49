// `worker --redis URL`: run the scheduler's attempts on this machine (settings.executor queue).
import os from 'node:os';
import type { CommandModule } from 'yargs';
import { badQueueNameReason, isRedisUrl } from '../../core/config/executorProblems.js';
import { resolveHome } from '../../app/paths.js';
import { emptyProblem, firstProblem, givenNumber, wholeNumberProblem, type GlobalArgs } from '../shared.js';

interface Args extends GlobalArgs {
  redis: string;
  queues: string;
  concurrency: number;
  name?: string;
  prefix: string;
  'drain-timeout': number;
}

function namesProblem(flag: string, text: string): string | null {
  for (const name of text.split(',')) {
    const reason = badQueueNameReason(name.trim());
    if (reason) return `${flag}: ${name.trim() === '' ? 'a queue name' : JSON.stringify(name.trim())} ${reason.replace(/^".*?" is/, 'is')}.`;
  }
  return null;
}

export const workerCommand: CommandModule<GlobalArgs, Args> = {
  command: 'worker',
  describe: "Run the scheduler's attempts on this machine: take jobs from Redis queues (settings.executor type queue)",
  builder: (y) =>
    y
      .option('redis', { type: 'string', requiresArg: true, demandOption: true, describe: 'the Redis of the queue, e.g. redis://10.0.0.5:6379/0' })
      .option('queues', { type: 'string', requiresArg: true, default: 'default', describe: 'the queues to take jobs from, comma-separated' })
      .option('concurrency', { type: 'number', requiresArg: true, default: 4, describe: 'jobs run at once, from each queue' })
      .option('name', { type: 'string', requiresArg: true, describe: "this worker's name in status and history (default: the host name)" })
      .option('prefix', { type: 'string', requiresArg: true, default: 'conductor', describe: 'settings.executor.prefix of the scheduler' })
      .option('drain-timeout', { type: 'number', requiresArg: true, default: 30, describe: 'seconds running jobs may go on after SIGTERM' })
      .check((a) =>
        firstProblem(
          isRedisUrl(a.redis) ? null : `--redis takes a Redis URL (redis://[user:password@]host[:port][/db] or rediss://...); got ${JSON.stringify(a.redis)}.`,
          namesProblem('--queues', a.queues),
          wholeNumberProblem('--concurrency', a.concurrency, 1, 1000),
          emptyProblem('--name', a.name),
          a.name === undefined ? null : namesProblem('--name', a.name),
          namesProblem('--prefix', a.prefix),
          typeof a['drain-timeout'] === 'number' && a['drain-timeout'] >= 0 && a['drain-timeout'] <= 86_400
            ? null
            : `--drain-timeout takes seconds from 0 to 86400; got ${givenNumber(a['drain-timeout'], ['--drain-timeout'])}.`,
        ),
      )
      .example('$0 worker --redis redis://10.0.0.5:6379/0', 'take jobs of the default queue, 4 at a time')
      .example('$0 worker --redis redis://10.0.0.5:6379/0 --queues gpu --concurrency 1 --name gpu-1 --home /srv/jobs', 'a GPU box'),
  handler: async (argv) => {
    const { runWorker } = await import('../../app/runWorker.js');
    process.exitCode = await runWorker({
      redis: argv.redis,
      prefix: argv.prefix,
      queues: [...new Set(argv.queues.split(',').map((q) => q.trim()))],
      concurrency: argv.concurrency,
      name: argv.name ?? os.hostname(),
      home: resolveHome(argv.home),
      drainTimeoutSeconds: argv['drain-timeout'],
    });
  },
};
