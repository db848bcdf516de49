// A worker sends a running attempt's output back as it is produced: the process writes to a
// local file (as a local run writes to its task log, never blocked by the network), and this
// tail reads it from where it left off and pushes it in chunks, one at a time, in order. While
// Redis is away the file grows and nothing is held in memory; the chunks go once it is back.
import fs from 'node:fs';

const CHUNK = 64 * 1024;
const IDLE_MS = 100;

export class OutputTail {
  private offset = 0;
  private finishing = false;
  private wake: (() => void) | null = null;
  private readonly loop: Promise<void>;

  constructor(
    private readonly file: string,
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

  private async run(): Promise<void> {
    const fd = await fs.promises.open(this.file, 'r');
    const buffer = Buffer.alloc(CHUNK);
    try {
      for (;;) {
        const finishing = this.finishing;
        const { bytesRead } = await fd.read(buffer, 0, CHUNK, this.offset);
        if (bytesRead > 0) {
          this.offset += bytesRead;
          await this.push(Buffer.from(buffer.subarray(0, bytesRead)));
          continue;
        }
        // Nothing more, and the process had already exited before this read: all of it is out.
        if (finishing) return;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, IDLE_MS);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
    } finally {
      await fd.close();
    }
  }
}
