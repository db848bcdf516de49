// Watched folders with the real daemon and real files (spec/triggers.md): one run per ready
// file, handed over by environment only, moved after its run, a status file each; bad names,
// files still being written, deleted or replaced before their run, invalid JSON and schema
// mismatches, the folder removed and recreated, a processed folder that cannot be written.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { apiOf, makeHome, runCli } from '../helpers/cli.js';
import { exitOf, rows, waitFor } from '../helpers/wait.js';
import { dropFile, fileRows, killDaemons, namesIn, query, records, startDaemon, statusFiles } from '../helpers/watch.js';

afterEach(killDaemons);

const bytesOf = (list: Buffer[]) => list.map((b) => b.toString('hex')).sort();

describe('a watch task in the daemon', () => {
  it('runs every ready file once (those there at start too), by environment only, then moves it and writes its status', async () => {
    const home = makeHome({
      tasks: [
        {
          name: 'intake',
          command: `printf '%s\\0' "$CONDUCTOR_FILE" "$CONDUCTOR_FILE_NAME" "$CONDUCTOR_CORRELATION_ID" "$CONDUCTOR_TRIGGER" >> seen.bin`,
          watch: { path: 'handoff', pattern: 'intent-*.json', settle_ms: 50, workers: 2 },
        },
      ],
    });
    const handoff = path.join(home, 'handoff');
    fs.mkdirSync(handoff);
    fs.writeFileSync(path.join(handoff, 'intent-early.json'), '{"correlation_id": "req-123"}');
    fs.writeFileSync(path.join(handoff, 'other.txt'), 'not mine');
    const daemon = startDaemon(home);
    await waitFor(() => statusFiles(home, 'intake').length === 1, 'the file there at start to be processed');
    dropFile(handoff, 'intent-late.json', '{"x": 1}');
    await waitFor(() => statusFiles(home, 'intake').length === 2, 'the new file to be processed');

    const seen = records(path.join(home, 'seen.bin')).map((b) => b.toString());
    expect(seen).toHaveLength(8);
    const runs = [seen.slice(0, 4), seen.slice(4, 8)];
    const early = runs.find((r) => r[1] === 'intent-early.json');
    const late = runs.find((r) => r[1] === 'intent-late.json');
    expect(early).toEqual([path.join(handoff, 'intent-early.json'), 'intent-early.json', 'req-123', 'watch']);
    expect(late?.[0]).toBe(path.join(handoff, 'intent-late.json'));
    const history = rows(home).filter((r) => r.task === 'intake');
    expect(history.map((r) => r.status)).toEqual(['success', 'success']);
    expect(late?.[2]).toBe(history.find((r) => r.run_id === late?.[2])?.run_id); // no correlation_id: the run id

    expect(namesIn(handoff).map(String)).toEqual(['other.txt']);
    expect(namesIn(path.join(handoff, 'processed')).map(String).sort()).toEqual(['intent-early.json', 'intent-late.json']);
    const early_status = statusFiles(home, 'intake').find((s) => s.file === 'intent-early.json');
    expect(early_status).toMatchObject({ task: 'intake', status: 'SUCCESS', correlation_id: 'req-123', retry_count: 0 });
    expect(early_status?.message).toContain(`moved to ${path.join(handoff, 'processed', 'intent-early.json')}`);
    expect(early_status?.worker_id).toMatch(/^worker-[12]$/);
    expect(Object.keys(early_status ?? {})).toEqual([
      'file', 'task', 'run_id', 'correlation_id', 'status', 'message', 'timestamp', 'processed_by', 'worker_id', 'processing_duration_ms', 'retry_count',
    ]);
    const status = JSON.parse(runCli(['status', '--json'], { home }).stdout);
    expect(status.tasks[0].watch).toEqual({ path: 'handoff', pending: 0, running: 0, processed: 2, failed: 0 });
    expect(fs.readFileSync(path.join(home, 'logs', 'symphony_conductor.log'), 'utf8')).toMatch(/"correlation_id":"req-123".*"msg":"attempt finished"/);
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
  });

  it('holds the files of a paused task (pending, nothing run or skipped) and runs each once after resume; then stops on SIGTERM', async () => {
    const home = makeHome({ tasks: [{ name: 'wp', command: 'echo "$CONDUCTOR_FILE_NAME" >> ran.txt', watch: { path: 'in', settle_ms: 50, workers: 1 } }] });
    const folder = path.join(home, 'in');
    fs.mkdirSync(folder);
    const daemon = startDaemon(home);
    await waitFor(() => daemon.output().includes('watching the folder'), 'the daemon to watch');
    expect(runCli(['pause', '--task', 'wp'], { home }).code).toBe(0);
    dropFile(folder, 'a.txt', 'a');
    await waitFor(() => JSON.parse(runCli(['status', '--json'], { home }).stdout).tasks[0].watch.pending === 1, 'the file to be seen, pending');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(rows(home).filter((r) => r.task === 'wp')).toEqual([]);
    expect(namesIn(folder).map(String)).toEqual(['a.txt']);

    const resumed = runCli(['resume', '--task', 'wp'], { home });
    expect(resumed.code).toBe(0);
    // Not "it fires on its schedule again": it has none.
    expect(resumed.stdout).toBe('resumed wp: the files waiting in its folder (in) run now, and new ones as they come\n');
    await waitFor(() => statusFiles(home, 'wp').length === 1, 'the held file to run after resume');
    dropFile(folder, 'b.txt', 'b');
    await waitFor(() => statusFiles(home, 'wp').length === 2, 'a file after resume to run (the worker was not kept)');
    expect(fs.readFileSync(path.join(home, 'ran.txt'), 'utf8')).toBe('a.txt\nb.txt\n');
    expect(rows(home).map((r) => r.status)).toEqual(['success', 'success']);
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
  });

  it('counts the files alike in status --json, GET /api/v1/status and conductor_watch_files_pending, while they wait and after', async () => {
    const home = makeHome({
      tasks: [
        {
          name: 'queue',
          command: 'while [ ! -e "$CONDUCTOR_HOME/release" ]; do sleep 0.05; done; [ "$CONDUCTOR_FILE_NAME" != c ]',
          watch: { path: 'in', settle_ms: 0, workers: 1 },
        },
      ],
    });
    const dir = path.join(home, 'in');
    fs.mkdirSync(dir);
    const daemon = startDaemon(home);
    await waitFor(() => /watching the folder/.test(daemon.output()), 'the daemon to watch');
    const api = apiOf(home);
    type Status = { tasks: { watch?: Record<string, unknown> }[] };
    const watchOf = (status: Status) => status.tasks[0]?.watch;
    const cliCounts = () => watchOf(JSON.parse(runCli(['status', '--json'], { home }).stdout));
    const apiCounts = async () => watchOf(await (await fetch(`${api?.url}/api/v1/status`, { headers: { authorization: `Bearer ${api?.token}` } })).json() as Status);
    for (const name of ['a', 'b', 'c']) dropFile(dir, name, name);
    await waitFor(() => fileRows(home).filter((r) => r.state === 'pending').length === 2, 'two files to wait behind the one running');
    const waiting = { path: 'in', pending: 2, running: 1, processed: 0, failed: 0 };
    expect(cliCounts()).toEqual(waiting);
    expect(await apiCounts()).toEqual(waiting);
    const metrics = await (await fetch(`${api?.url}/metrics`)).text();
    expect(metrics).toMatch(/^conductor_watch_files_pending\{task="queue"\} 2$/m);
    fs.writeFileSync(path.join(home, 'release'), '');
    await waitFor(() => statusFiles(home, 'queue').length === 3, 'every file to be dealt with');
    const done = { path: 'in', pending: 0, running: 0, processed: 2, failed: 1 };
    expect(cliCounts()).toEqual(done);
    expect(await apiCounts()).toEqual(done);
    const after = await (await fetch(`${api?.url}/metrics`)).text();
    expect(after).toMatch(/^conductor_watch_files_pending\{task="queue"\} 0$/m);
    // "Run now" has no file to give a watch task with no schedule: refused, as run --all does.
    const runNow = await fetch(`${api?.url}/api/v1/tasks/queue/run`, { method: 'POST', headers: { authorization: `Bearer ${api?.token}` } });
    expect(runNow.status).toBe(409);
    expect(((await runNow.json()) as { error: { message: string } }).error.message).toMatch(/^task queue watches a folder: each file that arrives gets a run of its own/);
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
  });

  it('runs names with spaces, quotes, $(...), newlines and non-UTF-8 bytes safely: nothing is injected, every byte arrives', async () => {
    const home = makeHome({
      tasks: [
        {
          name: 'names',
          command: `printf '%s\\0' "$CONDUCTOR_FILE_NAME" >> names.bin; cat "$CONDUCTOR_FILE" >> contents.txt`,
          watch: { path: 'in', settle_ms: 20, workers: 3 },
        },
      ],
    });
    const dir = path.join(home, 'in');
    fs.mkdirSync(dir);
    const names = [
      Buffer.from('a name with spaces.json'),
      Buffer.from(`quotes ' and " and \\ too`),
      Buffer.from('$(touch PWNED) and `touch PWNED2`; touch PWNED3'),
      Buffer.from('new\nline\r\ttab'),
      Buffer.concat([Buffer.from('latin1-caf'), Buffer.of(0xe9), Buffer.from('-'), Buffer.of(0xff, 0xfe), Buffer.from('.json')]),
      Buffer.from('-starts-with-a-dash'),
    ];
    const daemon = startDaemon(home);
    for (const [i, name] of names.entries()) dropFile(dir, name, `content ${i}\n`);
    await waitFor(() => records(path.join(home, 'names.bin')).length === names.length && namesIn(path.join(dir, 'processed')).length === names.length, 'every file');
    expect(bytesOf(records(path.join(home, 'names.bin')))).toEqual(bytesOf(names));
    expect(bytesOf(namesIn(path.join(dir, 'processed')))).toEqual(bytesOf(names));
    expect(fs.readFileSync(path.join(home, 'contents.txt'), 'utf8').split('\n').filter(Boolean).sort()).toEqual(names.map((_, i) => `content ${i}`));
    for (const marker of ['PWNED', 'PWNED2', 'PWNED3']) {
      expect(fs.existsSync(path.join(home, marker))).toBe(false);
      expect(fs.existsSync(path.join(dir, marker))).toBe(false);
    }
    await waitFor(() => statusFiles(home, 'names').length === names.length, 'every status file');
    const latin = statusFiles(home, 'names').find((s) => s.file.startsWith('latin1-caf'));
    expect(latin?.file).toBe('latin1-caf\udce9-\udcff\udcfe.json'); // surrogateescape: each undecodable byte as U+DC80+byte
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
  });

  it('with the execa back end (no spawn helper), refuses a name that is not UTF-8 with a clear reason instead of passing another path', async () => {
    const home = makeHome({ tasks: [{ name: 'nohelper', command: 'cat "$CONDUCTOR_FILE" >> seen.txt', watch: { path: 'in', settle_ms: 20 } }] });
    const dir = path.join(home, 'in');
    fs.mkdirSync(dir);
    const daemon = startDaemon(home, { CONDUCTOR_SPAWN: 'node' });
    dropFile(dir, Buffer.concat([Buffer.from('bad-'), Buffer.of(0xff)]), 'no\n');
    dropFile(dir, 'caf\u00e9.txt', 'yes\n');
    await waitFor(() => statusFiles(home, 'nohelper').length === 2, 'both files');
    expect(fs.readFileSync(path.join(home, 'seen.txt'), 'utf8')).toBe('yes\n');
    const refused = rows(home).find((r) => r.status === 'failed');
    expect(refused?.reason).toContain('CONDUCTOR_FILE, CONDUCTOR_FILE_NAME holds bytes that are not UTF-8 (a file name), which Node cannot pass in the environment');
    expect(namesIn(path.join(dir, 'failed'))).toEqual([Buffer.concat([Buffer.from('bad-'), Buffer.of(0xff)])]);
    daemon.kill('SIGTERM');
    await exitOf(daemon);
  });

  it('waits for a file still being written, and runs it once, whole', async () => {
    const home = makeHome({ tasks: [{ name: 'slowwrite', command: 'cat "$CONDUCTOR_FILE" > "$CONDUCTOR_FILE_NAME.seen"', watch: { path: 'in', settle_ms: 1500 } }] });
    const dir = path.join(home, 'in');
    fs.mkdirSync(dir);
    const daemon = startDaemon(home);
    await waitFor(() => /watching the folder/.test(daemon.output()), 'the daemon to watch');
    const fd = fs.openSync(path.join(dir, 'growing.csv'), 'w');
    for (let i = 0; i < 10; i++) {
      fs.writeSync(fd, `line ${i}\n`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    fs.closeSync(fd);
    await waitFor(() => fs.existsSync(path.join(home, 'growing.csv.seen')) && statusFiles(home, 'slowwrite').length === 1, 'the run');
    expect(fs.readFileSync(path.join(home, 'growing.csv.seen'), 'utf8')).toBe(Array.from({ length: 10 }, (_, i) => `line ${i}\n`).join(''));
    expect(rows(home).filter((r) => r.task === 'slowwrite')).toHaveLength(1);
    daemon.kill('SIGTERM');
    await exitOf(daemon);
  });

  it('runs nothing for a file deleted before its run starts, and the new content of one replaced meanwhile', async () => {
    const home = makeHome({
      tasks: [
        {
          name: 'one',
          command: `if [ "$CONDUCTOR_FILE_NAME" = first ]; then while [ ! -e release ]; do sleep 0.05; done; fi; printf '%s=' "$CONDUCTOR_FILE_NAME" >> seen.txt; cat "$CONDUCTOR_FILE" >> seen.txt`,
          watch: { path: 'in', settle_ms: 20, workers: 1 },
        },
      ],
    });
    const dir = path.join(home, 'in');
    fs.mkdirSync(dir);
    const daemon = startDaemon(home);
    dropFile(dir, 'first', 'one\n');
    await waitFor(() => fileRows(home).some((r) => r.name.toString() === 'first' && r.state === 'running'), 'the first file to run');
    dropFile(dir, 'deleted', 'never\n');
    dropFile(dir, 'replaced', 'old\n');
    await waitFor(() => fileRows(home).filter((r) => r.state === 'pending').length === 2, 'both to wait for the worker');
    fs.rmSync(path.join(dir, 'deleted'));
    fs.writeFileSync(path.join(dir, 'replaced'), 'new content\n');
    fs.writeFileSync(path.join(home, 'release'), '');
    await waitFor(() => fs.existsSync(path.join(home, 'seen.txt')) && fs.readFileSync(path.join(home, 'seen.txt'), 'utf8').includes('replaced='), 'the replaced file to run');
    await waitFor(() => statusFiles(home, 'one').length === 2, 'both status files');
    expect(fs.readFileSync(path.join(home, 'seen.txt'), 'utf8')).toBe('first=one\nreplaced=new content\n');
    const states = fileRows(home).map((r) => `${r.name.toString()}:${r.state}${r.reason ? `:${r.reason}` : ''}`);
    expect(states).toEqual(['first:done', 'deleted:gone:deleted before its run started', 'replaced:gone:replaced before its run started', 'replaced:done']);
    expect(rows(home).filter((r) => r.task === 'one').map((r) => r.status)).toEqual(['success', 'success']);
    daemon.kill('SIGTERM');
    await exitOf(daemon);
  });

  it('leaves a file renamed over the name while its predecessor runs where it is, and runs it on its own', async () => {
    const home = makeHome({
      tasks: [
        {
          name: 'swap',
          // One read: v2, renamed over the name right after seen.txt appears, must not end v1's run.
          command: `c=$(cat "$CONDUCTOR_FILE"); printf '%s;' "$c" >> seen.txt; if [ "$c" = v1 ]; then while [ ! -e release ]; do sleep 0.05; done; fi`,
          watch: { path: 'in', settle_ms: 20, workers: 1 },
        },
      ],
    });
    const dir = path.join(home, 'in');
    fs.mkdirSync(dir);
    const daemon = startDaemon(home);
    dropFile(dir, 'x', 'v1');
    await waitFor(() => fs.existsSync(path.join(home, 'seen.txt')), 'v1 to run');
    // A new file under the same name (written beside it, renamed over it), while v1's run goes.
    dropFile(dir, 'x', 'v2');
    await waitFor(() => fileRows(home).some((r) => r.state === 'pending'), 'v2 to wait for the worker');
    fs.writeFileSync(path.join(home, 'release'), '');
    await waitFor(() => statusFiles(home, 'swap').length === 2, 'both to be dealt with');
    // v1's end moved nothing (v1 itself is gone: renamed over); v2 ran, then went to processed/.
    expect(fs.readFileSync(path.join(home, 'seen.txt'), 'utf8')).toBe('v1;v2;');
    expect(fs.readdirSync(path.join(dir, 'processed'))).toEqual(['x']);
    expect(fs.readFileSync(path.join(dir, 'processed', 'x'), 'utf8')).toBe('v2');
    expect(fs.readdirSync(dir).filter((n) => n !== 'processed')).toEqual([]);
    const v1 = statusFiles(home, 'swap').find((st) => !st.message.includes('moved to'));
    expect(v1?.message).toContain('not moved: another file took its name');
    expect(rows(home).filter((r) => r.task === 'swap').map((r) => r.status)).toEqual(['success', 'success']);
    daemon.kill('SIGTERM');
    await exitOf(daemon);
  });

  it('runs a file its own command writes to once, and moves it with that run (a change during its run is not a new file)', async () => {
    const home = makeHome({
      tasks: [{ name: 'stamp', command: 'echo stamped >> "$CONDUCTOR_FILE"; sleep 0.5; echo "$CONDUCTOR_RUN_ID" >> runs.txt', watch: { path: 'in', settle_ms: 20, workers: 2 } }],
    });
    const dir = path.join(home, 'in');
    fs.mkdirSync(dir);
    const daemon = startDaemon(home);
    dropFile(dir, 'a', 'orig\n');
    await waitFor(() => statusFiles(home, 'stamp').length === 1, 'the file to be dealt with');
    await new Promise((resolve) => setTimeout(resolve, 600)); // a second run would have started by now
    expect(fs.readFileSync(path.join(home, 'runs.txt'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, 'processed', 'a'), 'utf8')).toBe('orig\nstamped\n');
    expect(fileRows(home).map((r) => `${r.name.toString()}:${r.state}`)).toEqual(['a:done']);
    daemon.kill('SIGTERM');
    await exitOf(daemon);
  });

  it('with processed_dir null, runs a file its own command writes to once: it stays, known as it is now, also after a restart', async () => {
    const config = {
      tasks: [{ name: 'stay', command: 'echo stamped >> "$CONDUCTOR_FILE"; echo "$CONDUCTOR_RUN_ID" >> runs.txt', watch: { path: 'in', settle_ms: 20, workers: 2, processed_dir: null, failed_dir: null } }],
      settings: { http: { port: 0 } },
    };
    const home = makeHome(config);
    const dir = path.join(home, 'in');
    fs.mkdirSync(dir);
    let daemon = startDaemon(home);
    dropFile(dir, 'a', 'orig\n');
    await waitFor(() => statusFiles(home, 'stay').length === 1, 'the file to be dealt with');
    // The next start lists the folder: the file, changed by its own run, is known as it is now.
    daemon.kill('SIGTERM');
    await exitOf(daemon);
    daemon = startDaemon(home);
    await waitFor(() => daemon.output().includes('watching the folder'), 'the next daemon to watch');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(fs.readFileSync(path.join(home, 'runs.txt'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, 'a'), 'utf8')).toBe('orig\nstamped\n');
    daemon.kill('SIGTERM');
    await exitOf(daemon);
  });

  it('says a file renamed over with the same size and mtime counts as the one that ran (a file is its name, size and mtime)', async () => {
    const home = makeHome({
      tasks: [{ name: 'same', command: 'if [ ! -e released ]; then while [ ! -e release ]; do sleep 0.05; done; touch released; fi', watch: { path: 'in', settle_ms: 20, workers: 1 } }],
    });
    const dir = path.join(home, 'in');
    fs.mkdirSync(dir);
    const old = new Date('2026-01-01T00:00:00Z');
    const put = (content: string) => {
      fs.writeFileSync(path.join(dir, '.x.part'), content);
      fs.utimesSync(path.join(dir, '.x.part'), old, old);
      fs.renameSync(path.join(dir, '.x.part'), path.join(dir, 'x'));
    };
    const daemon = startDaemon(home);
    put('v1');
    await waitFor(() => fileRows(home).some((r) => r.state === 'running'), 'v1 to run');
    put('v2'); // as cp -p or rsync -t would: the same size and mtime
    fs.writeFileSync(path.join(home, 'release'), '');
    await waitFor(() => statusFiles(home, 'same').length === 1, 'v1 to be dealt with');
    expect(statusFiles(home, 'same')[0]?.message).toContain('with the same size and mtime, so it counts as the file that ran and is left there (touch it to run it)');
    expect(fs.readFileSync(path.join(dir, 'x'), 'utf8')).toBe('v2');
    daemon.kill('SIGTERM');
    await exitOf(daemon);
  });

  it('fails invalid JSON and a schema mismatch without running the command, naming where, without retries', async () => {
    const home = makeHome({
      tasks: [
        {
          name: 'intents',
          command: 'printf "%s\\n" "$CONDUCTOR_FILE_NAME" >> ran.txt',
          retry_count: 2,
          retry_delay: 0,
          watch: { path: 'in', pattern: '*.json', settle_ms: 20, json_schema: 'config/intent.schema.json' },
        },
      ],
    });
    fs.writeFileSync(
      path.join(home, 'config', 'intent.schema.json'),
      JSON.stringify({ type: 'object', required: ['target'], properties: { target: { type: 'string' }, replicas: { type: 'integer', minimum: 1 } } }),
    );
    const dir = path.join(home, 'in');
    fs.mkdirSync(dir);
    const daemon = startDaemon(home);
    dropFile(dir, 'good.json', '{"target": "app", "replicas": 2, "correlation_id": "c-good"}');
    dropFile(dir, 'broken.json', '{\n  "target": "app",\n  "replicas": 2,,\n}');
    dropFile(dir, 'mismatch.json', '{"target": "app", "replicas": 0}');
    await waitFor(() => statusFiles(home, 'intents').length === 3, 'three status files');
    expect(fs.readFileSync(path.join(home, 'ran.txt'), 'utf8')).toBe('good.json\n');
    const history = rows(home).filter((r) => r.task === 'intents');
    expect(history).toHaveLength(3);
    expect(history.find((r) => r.reason?.startsWith('broken.json'))).toMatchObject({
      status: 'failed',
      attempt: 1,
      reason: "broken.json: not JSON: at line 3, column 17: unexpected ',', expected a double-quoted key",
    });
    expect(history.find((r) => r.reason?.startsWith('mismatch.json'))).toMatchObject({
      status: 'failed',
      reason: 'mismatch.json: does not match the JSON Schema: /replicas: must be >= 1',
    });
    expect(namesIn(path.join(dir, 'failed')).map(String).sort()).toEqual(['broken.json', 'mismatch.json']);
    expect(namesIn(path.join(dir, 'processed')).map(String)).toEqual(['good.json']);
    expect(statusFiles(home, 'intents').find((s) => s.file === 'mismatch.json')).toMatchObject({ status: 'FAILED', retry_count: 0 });
    expect(fs.readFileSync(path.join(home, 'status', 'automation_health', 'intents.health'), 'utf8')).toMatch(/^(success|failed):/);
    daemon.kill('SIGTERM');
    await exitOf(daemon);
  });

  it('has made every watched folder by the time it writes status/http.url (a script may drop a file at once)', async () => {
    // Many watch tasks: the last folder is the last one a late creation would make. Three starts,
    // each watched from the first instant http.url exists.
    const tasks = Array.from({ length: 30 }, (_, i) => ({ name: `w${i}`, command: 'true', watch: { path: `drop/in${i}`, settle_ms: 20 } }));
    for (let round = 0; round < 3; round++) {
      const home = makeHome({ tasks });
      const urlFile = path.join(home, 'status', 'http.url');
      const daemon = startDaemon(home);
      for (;;) {
        if (fs.existsSync(urlFile)) break;
        if (daemon.exitCode !== null) throw new Error(`the daemon exited ${daemon.exitCode}: ${daemon.output()}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
      const missing = tasks.map((t) => t.watch.path).filter((folder) => !fs.existsSync(path.join(home, folder)));
      expect(missing).toEqual([]);
      dropFile(path.join(home, 'drop', 'in29'), 'at-once.txt', 'x');
      await waitFor(() => statusFiles(home, 'w29').length === 1, 'the file dropped at once to be processed');
      daemon.kill('SIGTERM');
      expect((await exitOf(daemon)).code).toBe(0);
    }
  });

  it('goes on watching when its folder is removed and made again', async () => {
    const home = makeHome({ tasks: [{ name: 'phoenix', command: 'true', watch: { path: 'in', settle_ms: 20 } }] });
    const dir = path.join(home, 'in');
    const daemon = startDaemon(home);
    await waitFor(() => fs.existsSync(dir) && /watching the folder/.test(daemon.output()), 'the folder to be made and watched');
    dropFile(dir, 'before', 'x');
    await waitFor(() => namesIn(path.join(dir, 'processed')).length === 1, 'the first file');
    fs.rmSync(dir, { recursive: true });
    await waitFor(() => /the watched folder is gone/.test(daemon.output()), 'the daemon to notice');
    fs.mkdirSync(dir);
    dropFile(dir, 'after', 'y');
    await waitFor(() => namesIn(path.join(dir, 'processed')).map(String).includes('after'), 'the file in the new folder');
    expect(rows(home).filter((r) => r.task === 'phoenix').map((r) => r.status)).toEqual(['success', 'success']);
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
  });

  it('takes a new watch block on SIGHUP: the new pattern, and a task that stopped watching runs no more files', async () => {
    const config = (pattern: string, second: boolean) => ({
      tasks: [
        { name: 'one', command: 'true', watch: { path: 'in', pattern, settle_ms: 20 } },
        ...(second ? [{ name: 'two', command: 'true', watch: { path: 'in2', settle_ms: 20 } }] : []),
      ],
    });
    const home = makeHome(config('*.csv', true));
    const daemon = startDaemon(home);
    await waitFor(() => (daemon.output().match(/watching the folder/g) ?? []).length === 2, 'both tasks to watch');
    fs.writeFileSync(path.join(home, 'config', 'conductor_config.json'), JSON.stringify(config('*.json', false)));
    daemon.kill('SIGHUP');
    await waitFor(() => /config reloaded/.test(daemon.output()) && (daemon.output().match(/watching the folder/g) ?? []).length === 3, 'the reload');
    dropFile(path.join(home, 'in'), 'a.json', '{}');
    dropFile(path.join(home, 'in'), 'b.csv', 'x');
    dropFile(path.join(home, 'in2'), 'c.json', '{}');
    await waitFor(() => statusFiles(home, 'one').length === 1, 'the new pattern');
    expect(statusFiles(home, 'one')[0]?.file).toBe('a.json');
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
    expect(namesIn(path.join(home, 'in')).map(String)).toEqual(['b.csv']);
    expect(namesIn(path.join(home, 'in2')).map(String)).toEqual(['c.json']);
  });

  /** A daemon whose watch task `w` (folder `in`) runs one of four files, held until `release` is made, the three others waiting. */
  async function oneRunningThreeWaiting() {
    const gate = 'while [ ! -f "$CONDUCTOR_HOME/release" ]; do sleep 0.05; done';
    const config = (folder: string) => ({ tasks: [{ name: 'w', command: gate, watch: { path: folder, workers: 1, settle_ms: 20 } }] });
    const home = makeHome(config('in'));
    const daemon = startDaemon(home);
    await waitFor(() => /watching the folder/.test(daemon.output()), 'the task to watch');
    const dir = path.join(home, 'in');
    for (const n of [1, 2, 3, 4]) dropFile(dir, `c${n}.txt`, `${n}`);
    const states = () => fileRows(home, 'w').map((r) => `${r.name.toString()}:${r.state}`);
    await waitFor(() => states().filter((s) => s.endsWith(':pending')).length === 3 && states().some((s) => s.endsWith(':running')), 'one file to run, three to wait');
    return { home, daemon, dir, states, config };
  }

  it('on SIGHUP with another watch.path, leaves the files waiting in the old folder there, says so, and calls none deleted', async () => {
    // Each run waits for the test's word: the first file still runs at the reload, the others wait.
    const { home, daemon, dir, states, config } = await oneRunningThreeWaiting();
    const first = fileRows(home, 'w').find((r) => r.state === 'running')?.name.toString();
    fs.writeFileSync(path.join(home, 'config', 'conductor_config.json'), JSON.stringify(config('in2')));
    daemon.kill('SIGHUP');
    await waitFor(() => /config reloaded/.test(daemon.output()), 'the reload');
    const waiting = ['c1.txt', 'c2.txt', 'c3.txt', 'c4.txt'].filter((name) => name !== first);
    await waitFor(() => /the watch path changed/.test(daemon.output()), 'the warning');
    expect(daemon.output()).toMatch(new RegExp(`the watch path changed: 3 files waiting in ${dir} stay there and will not run`));
    fs.writeFileSync(path.join(home, 'release'), '');
    await waitFor(() => states().includes(`${first}:done`), 'the running file to finish in the old folder');
    // Its row is done with the run's end commit; the move to processed/ comes after that commit.
    await waitFor(() => namesIn(path.join(dir, 'processed')).map(String).includes(first as string), 'the finished file to be moved');
    expect(daemon.output()).not.toMatch(/deleted before its run started/);
    for (const name of waiting) {
      expect(fileRows(home, 'w').find((r) => r.name.toString() === name)).toMatchObject({ state: 'gone', reason: 'left in in: the watch path changed to in2' });
    }
    expect(namesIn(dir).map(String).sort()).toEqual(waiting);
    expect(namesIn(path.join(dir, 'processed')).map(String)).toEqual([first]);
    // Moved into the new folder, a file left behind runs there.
    fs.renameSync(path.join(dir, waiting[0] as string), path.join(home, 'in2', waiting[0] as string));
    await waitFor(() => states().includes(`${waiting[0]}:done`), 'the moved file to run in the new folder');
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
    expect(namesIn(dir).map(String).sort()).toEqual(waiting.slice(1));
  });

  it('on a start with another watch.path than the daemon that died had, leaves the old folder\'s files there and calls none deleted', async () => {
    const { home, daemon: first, dir, config } = await oneRunningThreeWaiting();
    first.kill('SIGKILL');
    await exitOf(first);
    fs.writeFileSync(path.join(home, 'config', 'conductor_config.json'), JSON.stringify(config('in2')));
    const second = startDaemon(home);
    await waitFor(() => /watching the folder/.test(second.output()), 'the task to watch its new folder');
    const reason = 'left in in: the watch path changed to in2 while the daemon was stopped';
    expect(fileRows(home, 'w').map((r) => [r.name.toString(), r.state, r.reason]).sort()).toEqual(['c1.txt', 'c2.txt', 'c3.txt', 'c4.txt'].map((name) => [name, 'gone', reason]));
    expect(second.output()).toMatch(new RegExp(`the watch path changed while the daemon was stopped: 3 files waiting in ${dir} stay there`));
    expect(second.output()).toMatch(new RegExp(`1 file whose run was cut short stay in ${dir}`));
    expect(second.output()).not.toMatch(/deleted before its run started/);
    second.kill('SIGTERM');
    expect((await exitOf(second)).code).toBe(0);
    expect(namesIn(dir).map(String).sort()).toEqual(['c1.txt', 'c2.txt', 'c3.txt', 'c4.txt']);
    // The run the first daemon left is interrupted, as any run a dead daemon left.
    expect(rows(home).filter((r) => r.task === 'w').map((r) => r.status)).toEqual(['interrupted']);
  });

  it('leaves the daemon its waiting files and its folder when run --task runs the task with another --config', async () => {
    const { home, daemon, dir, states } = await oneRunningThreeWaiting();
    const other = path.join(home, 'other.json');
    fs.writeFileSync(other, JSON.stringify({ tasks: [{ name: 'w', command: 'true', watch: { path: 'in3', workers: 1, settle_ms: 20 } }] }));
    fs.mkdirSync(path.join(home, 'in3'));
    fs.writeFileSync(path.join(home, 'in3', 'g1.txt'), 'x');
    const once = runCli(['run', '--task', 'w', '--config', other, '--watch-timeout', '10'], { home });
    expect(once.stdout).toContain('w: 1 processed, 0 failed, 0 left in place');
    expect(states().filter((s) => s.endsWith(':pending'))).toHaveLength(3);
    expect(query(home, 'SELECT path FROM watch_folders WHERE task = ?', 'w')).toEqual([{ path: 'in' }]);
    fs.writeFileSync(path.join(home, 'release'), '');
    await waitFor(() => states().filter((s) => s.endsWith(':done')).length === 5, 'the daemon to run its four files (and once-mode\'s one)');
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
    expect(namesIn(path.join(dir, 'processed')).map(String).sort()).toEqual(['c1.txt', 'c2.txt', 'c3.txt', 'c4.txt']);
  });

  it('never overwrites in the processed folder: a name already there gets -N', async () => {
    const home = makeHome({ tasks: [{ name: 'clash', command: 'true', watch: { path: 'in', settle_ms: 20, processed_dir: 'done' } }] });
    const dir = path.join(home, 'in');
    fs.mkdirSync(path.join(home, 'done'), { recursive: true });
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(home, 'done', 'report.json'), 'the old one');
    fs.writeFileSync(path.join(home, 'done', 'report-1.json'), 'the older one');
    const daemon = startDaemon(home);
    dropFile(dir, 'report.json', 'the new one');
    await waitFor(() => fs.existsSync(path.join(home, 'done', 'report-2.json')), 'the move');
    expect(fs.readFileSync(path.join(home, 'done', 'report.json'), 'utf8')).toBe('the old one');
    expect(fs.readFileSync(path.join(home, 'done', 'report-1.json'), 'utf8')).toBe('the older one');
    expect(fs.readFileSync(path.join(home, 'done', 'report-2.json'), 'utf8')).toBe('the new one');
    daemon.kill('SIGTERM');
    await exitOf(daemon);
  });
});

/** Why a folder cannot be made unwritable for root here (chattr +i), or null when it can. */
function immutableUnavailable(): string | null {
  const dir = fs.mkdtempSync(path.join(makeHome(), 'probe-'));
  const set = spawnSync('chattr', ['+i', dir], { encoding: 'utf8' });
  if (set.error) return `chattr is not available (${set.error.message})`;
  if (set.status !== 0) return `chattr +i does not work here: ${set.stderr.trim()}`;
  spawnSync('chattr', ['-i', dir]);
  return null;
}
const immutable = immutableUnavailable();
if (immutable) console.warn(`unwritable processed folder test skipped: ${immutable}`);

describe.skipIf(immutable !== null)('when the processed folder cannot be written (chattr +i: even root cannot)', () => {
  it('leaves the file where it is, says why in the history and the status file, and does not run it again', async () => {
    const home = makeHome({ tasks: [{ name: 'stuck', command: 'true', watch: { path: 'in', settle_ms: 20 } }] });
    const dir = path.join(home, 'in');
    fs.mkdirSync(path.join(dir, 'processed'), { recursive: true });
    spawnSync('chattr', ['+i', path.join(dir, 'processed')]);
    try {
      const daemon = startDaemon(home);
      dropFile(dir, 'a.json', '{}');
      await waitFor(() => statusFiles(home, 'stuck').length === 1 && fileRows(home)[0]?.settled === 1, 'the status file and its row');
      expect(namesIn(dir).map(String)).toEqual(['a.json']);
      const row = rows(home).find((r) => r.task === 'stuck');
      expect(row?.status).toBe('success');
      expect(row?.reason).toBe(`the file stays in ${dir}: ${path.join(dir, 'processed')} cannot be written (EPERM)`);
      expect(statusFiles(home, 'stuck')[0]?.message).toContain('cannot be written (EPERM)');
      expect(query<{ reason: string }>(home, "SELECT reason FROM runs WHERE trigger = 'watch'")[0]?.reason).toContain('the file stays');
      expect(fileRows(home)[0]).toMatchObject({ state: 'done', settled: 1 });
      daemon.kill('SIGTERM');
      expect((await exitOf(daemon)).code).toBe(0);
      const again = startDaemon(home);
      await waitFor(() => /watching the folder/.test(again.output()), 'the second daemon to watch');
      again.kill('SIGTERM');
      expect((await exitOf(again)).code).toBe(0);
      expect(rows(home).filter((r) => r.task === 'stuck')).toHaveLength(1);
    } finally {
      spawnSync('chattr', ['-i', path.join(dir, 'processed')]);
    }
  });
});
