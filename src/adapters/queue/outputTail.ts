// A worker sends a running attempt's output back as it is produced: the process writes to a
// local file (as a local run writes to its task log, never blocked by the network), and this
// tail reads it from where it left off and pushes it in chunks, one at a time, in order. While
// Redis is away the file grows and nothing is held in memory; the chunks go once it is back.
// It reads through the descriptor the job already holds (positional reads): no second open.
import fs from 'node:fs';

const CHUNK = 64 * 1024;
const IDLE_MS = 100;

export class OutputTail {
  private offset = 0;

  /** How many bytes were read (and pushed, or being pushed) so far. */
  get bytesRead(): number {
    return this.offset;
  }

  private finishing = false;
  private wake: (() => void) | null = null;
  private readonly loop: Promise<void>;

  /** `fd` is open for reading (the job's output file, opened `a+`); the tail does not close it. */
  constructor(
    private readonly fd: number,
    private readonly push: (chunk: Buffer) => Promise<void>,
  ) {
    this.loop = this.run();
  }

  /** The process has exited: read to the end of the file, then resolve once all of it was pushed. */
  async finish(): Promise<void> {
    this.finishing = true;
    this.wake?.();
    await this.loop;
  }

  private read(buffer: Buffer): Promise<number> {
    return new Promise((resolve, reject) => fs.read(this.fd, buffer, 0, CHUNK, this.offset, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead))));
  }

  private async run(): Promise<void> {
    let buffer: Buffer | null = null;
    // The file starts empty (new, or emptied for reuse) and the process is not started yet:
    // the first look waits for output or for finish().
    let looked = false;
    for (;;) {
      if (!looked) {
        looked = true;
        await this.idle();
      }
      const finishing = this.finishing;
      // Most jobs print nothing: the file's size says so without a buffer or a read.
      const size = fs.fstatSync(this.fd).size;
      if (size > this.offset) {
        buffer ??= Buffer.alloc(CHUNK);
        const bytesRead = await this.read(buffer);
        if (bytesRead > 0) {
          this.offset += bytesRead;
          await this.push(Buffer.from(buffer.subarray(0, bytesRead)));
          continue;
        }
      }
      // Nothing more, and the process had already exited before this look: all of it is out.
      if (finishing) return;
      await this.idle();
    }
  }

  /** Waits IDLE_MS, or less if finish() comes. */
  private async idle(): Promise<void> {
    await new Promise<void>((resolve) => {
      // finish() may have come while the last look was under way: look again at once.
      if (this.finishing) return resolve();
      const timer = setTimeout(resolve, IDLE_MS);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = null;
  }
}
