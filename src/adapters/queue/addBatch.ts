// The jobs the engine hands over in one turn of the event loop (a layer of the DAG, a minute's
// fires, a burst of watched files) go to Redis in one addBulk, one write and one MULTI, instead
// of one add and one round trip each. A job alone in its turn (a DAG's next step, most often)
// goes by a plain add: an addBulk of one costs ~2.5x its CPU (ioredis builds a pipeline object,
// copying BullMQ's ~50 script commands onto it, and BullMQ wraps it in MULTI). Each caller still
// hears how its own job fared (a failed batch fails every job of it; each is then retried on its
// own terms by the executor).
import type { JobsOptions, Queue } from 'bullmq';
import type { JobData } from './messages.js';

interface Waiting {
  name: string;
  data: JobData;
  opts: JobsOptions;
  resolve: () => void;
  reject: (error: Error) => void;
}

export class AddBatch {
  private waiting: Waiting[] = [];

  constructor(private readonly queue: Queue) {}

  add(name: string, data: JobData, opts: JobsOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ name, data, opts, resolve, reject });
      if (this.waiting.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.waiting;
    this.waiting = [];
    const [only] = batch;
    const added = batch.length === 1 && only ? this.queue.add(only.name, only.data, only.opts) : this.queue.addBulk(batch.map(({ name, data, opts }) => ({ name, data, opts })));
    added.then(
      () => batch.forEach((job) => job.resolve()),
      (error: Error) => batch.forEach((job) => job.reject(error)),
    );
  }
}
