// Loads the CLI's bundled code, the CommonJS chunks scripts/build/cli.mjs writes to dist/cli,
// through V8's code cache. Compiling is a fifth of a short command: Node 20 compiles every module
// anew at every start (its own compile cache, module.enableCompileCache, came with Node 22.1),
// and a command compiles ~1 MB of bundled JavaScript. Each chunk is compiled as Node compiles a
// CommonJS module (the same wrapper function), with the cache V8 wrote for it at an earlier run
// of the same command if there is one; V8 checks a cache against its own version, its flags and
// the source, and compiles afresh when it does not fit. After a command has run, save() writes
// the caches of the chunks compiled afresh, with the functions that ran compiled in them
// (`run --task` of `true` at 1,000 tasks: ~160 -> ~127 ms on a machine where `node -e 0` is
// 60 ms). A folder that cannot be written only means no cache: nothing here is ever an error of
// the command.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/** A chunk asks for another by its file name beside it; anything else is Node's to resolve. */
const CHUNK = /^\.\/([\w-]+\.cjs)$/;

/** A chunk's source in Node's CommonJS wrapper: it sees exports, require, module, __filename and __dirname. */
export function wrapChunk(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;
}

interface Module {
  exports: unknown;
}

type ChunkFunction = (this: unknown, exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;

export interface ChunkLoaderStats {
  /** Chunks whose cache V8 took. */
  cached: number;
  /** Chunks compiled from their source (no cache, or one V8 refused). */
  compiled: number;
}

export class ChunkLoader {
  private readonly modules = new Map<string, Module>();
  /** Scripts compiled from source, with where their cache goes. */
  private readonly fresh: { script: vm.Script; cacheFile: string }[] = [];
  /** The `require` every chunk is given. */
  private readonly require: NodeJS.Require;
  private readonly counts: ChunkLoaderStats = { cached: 0, compiled: 0 };

  /**
   * `dir` holds the chunks; `cacheDir` their caches, or null to compile without any (nothing is
   * read or written then).
   */
  constructor(
    private readonly dir: string,
    private readonly cacheDir: string | null,
  ) {
    const nodeRequire = createRequire(path.join(dir, 'main.js'));
    const require = ((specifier: string) => {
      const chunk = CHUNK.exec(specifier);
      return chunk ? this.load(chunk[1] as string) : nodeRequire(specifier);
    }) as NodeJS.Require;
    // What bundled packages look at (pino's `require.main`, yargs's `require.cache`, ioredis's `require.resolve`).
    require.resolve = nodeRequire.resolve;
    require.cache = nodeRequire.cache;
    require.extensions = nodeRequire.extensions;
    require.main = nodeRequire.main;
    this.require = require;
  }

  /** The exports of chunk `name` (a file in the folder), run once per process like a CommonJS module. */
  load(name: string): unknown {
    const known = this.modules.get(name);
    if (known) return known.exports;
    const file = path.join(this.dir, name);
    const module: Module = { exports: {} };
    this.modules.set(name, module);
    try {
      const run = this.compile(name, file).runInThisContext() as ChunkFunction;
      run.call(module.exports, module.exports, this.require, module, file, this.dir);
    } catch (error) {
      this.modules.delete(name); // as Node forgets a module whose evaluation threw
      throw error;
    }
    return module.exports;
  }

  stats(): ChunkLoaderStats {
    return { ...this.counts };
  }

  /**
   * Writes the caches of the chunks compiled from source so far (each whole: a temporary file,
   * synced, then renamed over). Call it once the command's work is done: a cache holds the
   * functions compiled until it is made, so one made late holds what the command ran. Failures
   * are ignored; the first failed write stops the rest (a folder that cannot be written).
   */
  save(): void {
    const pending = this.fresh.splice(0);
    if (this.cacheDir === null || pending.length === 0) return;
    try {
      fs.mkdirSync(this.cacheDir, { recursive: true });
      for (const { script, cacheFile } of pending) writeWhole(cacheFile, script.createCachedData());
    } catch {
      // no cache this time; the command's result stands
    }
  }

  private compile(name: string, file: string): vm.Script {
    const source = wrapChunk(fs.readFileSync(file, 'utf8'));
    const cacheFile = this.cacheDir === null ? null : path.join(this.cacheDir, `${name}.cache`);
    const cachedData = cacheFile === null ? undefined : readIfAny(cacheFile);
    const script = new vm.Script(source, { filename: file, cachedData });
    if (cachedData !== undefined && !script.cachedDataRejected) this.counts.cached++;
    else {
      this.counts.compiled++;
      if (cacheFile !== null) this.fresh.push({ script, cacheFile });
    }
    return script;
  }
}

function readIfAny(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Writes `data` as `file` whole: a temporary file of its own (two processes may write the same
 * cache at once), synced, then renamed over. V8 checks a cache's header (its version, flags,
 * source length) but, in release builds, not its payload: a cache is never left half-written.
 */
function writeWhole(file: string, data: Buffer): void {
  const temp = `${file}.${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`;
  try {
    const fd = fs.openSync(temp, 'wx', 0o644);
    try {
      fs.writeSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}
