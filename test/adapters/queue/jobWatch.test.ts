// The scheduler's watch on BullMQ's event stream, against a real redis-server and BullMQ: a job
// BullMQ failed and a job its stalled check found are signalled with their ids (and reason);
// every other event is skipped, and so is what the stream held before the queue was watched.
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobWatch } from '../../../src/adapters/queue/jobWatch.js';
import { redisOptions } from '../../../src/adapters/queue/redisOptions.js';
import { TestRedis } from '../../helpers/redis.js';
import { waitFor } from '../../helpers/wait.js';

let redis: TestRedis;
let writer: Redis;

beforeAll(async () => {
  redis = await TestRedis.start();
  writer = await redis.client();
});

afterAll(async () => {
  writer.disconnect();
  await redis.stop();
});

describe("the scheduler's watch on BullMQ's events", () => {
  it('signals the jobs BullMQ failed and found stalled, and nothing of the rest or of before', async () => {
    const connection = redisOptions(redis.url);
    const queue = new Queue('watch.default', { connection });
    // Before the watch: an old failure of the same id must not be taken for a new one.
    await writer.xadd('bull:watch.default:events', '*', 'event', 'failed', 'jobId', 'early', 'failedReason', 'before the watch');
    const signals: string[] = [];
    const watch = new JobWatch(connection, writer, { stalled: (id) => signals.push(`stalled ${id}`), failed: (id, why) => signals.push(`failed ${id}: ${why}`) }, () => {});
    watch.watch('watch.default');
    watch.watch('watch.default'); // once per queue
    await waitFor(async () => String(await writer.client('LIST')).includes('cmd=xread'), 'the watch to read');

    const worker = new Worker(
      'watch.default',
      async (job) => {
        if (job.data.fail) throw new Error('no such command');
      },
      { connection, concurrency: 4 },
    );
    await queue.add('ok', { fail: false }, { jobId: 'fine', attempts: 1 });
    await queue.add('bad', { fail: true }, { jobId: 'broken', attempts: 1 });
    // As BullMQ's stalled check writes it (moveStalledJobsToWait): `event stalled jobId <id>`.
    await writer.xadd('bull:watch.default:events', '*', 'event', 'stalled', 'jobId', 'lost-one');
    await queue.add('ok', { fail: false }, { jobId: 'fine-too', attempts: 1 });
    await waitFor(() => signals.length >= 2, 'both signals');
    await waitFor(async () => (await queue.getJobState('fine-too')) === 'completed', 'the last job');
    await new Promise((resolve) => setTimeout(resolve, 600)); // a read or two more: nothing else comes

    expect(signals.sort()).toEqual(['failed broken: no such command', 'stalled lost-one']);
    await worker.close();
    await watch.close();
    await queue.close();
  });

  it('closes, reads and all, when Redis never answered', async () => {
    const nowhere = { ...redisOptions('redis://127.0.0.1:1/0'), connectTimeout: 200 };
    const commands = new Redis({ ...nowhere, lazyConnect: true });
    commands.on('error', () => {});
    const watch = new JobWatch(nowhere, commands, { stalled: () => {}, failed: () => {} }, () => {});
    watch.watch('nowhere.default');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(watch.close()).resolves.toBeUndefined(); // not left waiting for a connection
    commands.disconnect();
  });
});
