// One attempt sent to the queue, as the scheduler follows it: the worker's start (the attempt
// row goes `running` with the worker's name), the output written to the task log in the order
// it was produced, and the end. It settles once, whichever way it ends: the worker's end report,
// the worker lost (a stalled job), or a stop before any worker took it.
import fs from 'node:fs';
import type { AttemptEnd, AttemptSpec, AttemptStarted } from '../../ports/executor.js';
import type { AttemptEntry, EndReport } from './messages.js';
import { queueHandle } from './names.js';

const NOTHING_RAN: AttemptEnd = { exitCode: null, signal: null, startError: null, timedOut: false, lost: null, escaped: null };
const NOT_STARTED: AttemptEnd = { ...NOTHING_RAN, notStarted: true };

export class PendingAttempt {
  readonly done: Promise<AttemptEnd>;
  worker: string | null = null;
  /** A stop was asked for: `stop` (SIGTERM, SIGKILL after grace) or `kill`. */
  stopRequested: 'stop' | 'kill' | null = null;
  /** Redis has the job. */
  added = false;
  /** The scheduler asked for it back if no worker has it (it is stopping). */
  withdrawRequested = false;
  private settle: (end: AttemptEnd) => void = () => {};
  private settled = false;
  private outputError: string | null = null;

  constructor(
    readonly jobId: string,
    readonly queue: string,
    readonly streamKey: string,
    readonly spec: AttemptSpec,
    private readonly onStarted: (started: AttemptStarted) => void,
  ) {
    this.done = new Promise((resolve) => (this.settle = resolve));
  }

  get started(): boolean {
    return this.worker !== null;
  }

  get isSettled(): boolean {
    return this.settled;
  }

  /** One entry of the attempt's stream; true when it was the last. */
  onEntry(entry: AttemptEntry): boolean {
    if (this.settled) return true;
    switch (entry.kind) {
      case 'start':
        if (this.worker === null) {
          this.worker = entry.worker;
          this.onStarted({ handle: queueHandle(this.jobId), label: `worker ${entry.worker}`, worker: entry.worker });
        }
        return false;
      case 'out':
        this.write(entry.data);
        return false;
      case 'end':
        this.finish(fromReport(entry.end, this.worker));
        return true;
    }
  }

  /** The worker stopped renewing the job's lock (killed, machine lost, cut off from Redis). */
  lose(detail: string | null = null): void {
    const who = this.worker === null ? 'the worker that took it' : `worker ${this.worker}`;
    this.finish({ ...NOTHING_RAN, lost: `${who} lost${detail ? ` (${detail})` : ''}` });
  }

  /** BullMQ failed the job without our worker's end report. */
  fail(reason: string): void {
    if (this.started) this.lose(reason);
    else this.finish({ ...NOTHING_RAN, startError: `no worker could run it: ${reason}` });
  }

  /** Removed from the queue before any worker took it: nothing ran. */
  removedBeforeStart(): void {
    this.finish(NOT_STARTED);
  }

  private finish(end: AttemptEnd): void {
    if (this.settled) return;
    this.settled = true;
    const escaped = this.outputError ? [end.escaped, this.outputError].filter(Boolean).join('; ') : end.escaped;
    this.settle({ ...end, escaped });
  }

  private write(data: Buffer): void {
    let offset = 0;
    try {
      while (offset < data.length) offset += fs.writeSync(this.spec.output.fd, data, offset);
    } catch (error) {
      this.outputError ??= `output lost: cannot write the task log ${this.spec.output.path}: ${(error as Error).message}`;
    }
  }
}

function fromReport(report: EndReport, worker: string | null): AttemptEnd {
  if (report.not_started) return NOT_STARTED;
  return {
    exitCode: report.exit_code,
    signal: report.signal,
    startError: report.start_error,
    timedOut: report.timed_out,
    lost: report.lost ? `worker ${worker ?? '?'} ${report.lost}` : null,
    escaped: report.escaped,
  };
}
