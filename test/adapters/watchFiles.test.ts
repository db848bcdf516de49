// The watch adapters on real files and a real SQLite database: the watch_files rows (exactly
// once across restarts rests on them), moves that never overwrite, status files that never
// replace one another, names that are not UTF-8.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openRunStore } from '../../src/adapters/sqlite/sqliteRunStore.js';
import { moveNoReplace } from '../../src/adapters/watch/moveNoReplace.js';
import { createWatchFolderFs } from '../../src/adapters/watch/watchFolderFs.js';
import { pathIn } from '../../src/core/watch/fileNames.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'conductor-watch-adapters-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const scratch = () => fs.mkdtempSync(path.join(root, `t${n++}-`));
const key = (name: string | Buffer, size = 10, mtimeNs = 1_700_000_000_123_456_789n) => ({ name: Buffer.from(name), size, mtimeNs });

describe('watch_files', () => {
  it('adds a ready file once: the same name, size and mtime again is the same file; a new mtime is a new file', () => {
    const store = openRunStore(':memory:').watchFiles;
    expect(store.addPending('t', [key('a.json'), key('b.json')], 1000).map((r) => r.name.toString())).toEqual(['a.json', 'b.json']);
    expect(store.addPending('t', [key('a.json')], 2000)).toEqual([]);
    const again = store.addPending('t', [key('a.json', 10, 1_700_000_000_999_999_999n)], 3000);
    expect(again).toHaveLength(1);
    expect(again[0]?.mtimeNs).toBe(1_700_000_000_999_999_999n);
    expect(store.addPending('other', [key('a.json')], 4000)).toHaveLength(1);
  });

  it('keeps a name that is not UTF-8 exactly, and nanosecond mtimes', () => {
    const store = openRunStore(':memory:').watchFiles;
    const name = Buffer.of(0x66, 0xff, 0xfe, 0x0a, 0x00 + 0x24);
    store.addPending('t', [key(name, 7, 1_234_567_890_123_456_789n)], 1);
    const row = store.find('t', key(name, 7, 1_234_567_890_123_456_789n));
    expect(row?.name.equals(name)).toBe(true);
    expect(row?.mtimeNs).toBe(1_234_567_890_123_456_789n);
  });

  it('claims a pending file for one run only, and counts by state', () => {
    const runs = openRunStore(':memory:');
    const store = runs.watchFiles;
    const [a, b, c] = store.addPending('t', [key('a'), key('b'), key('c')], 1000);
    expect(store.claim(a!.id, 'run-1', 1100)).toBe(true);
    expect(store.claim(a!.id, 'run-2', 1200)).toBe(false);
    store.claim(b!.id, 'run-3', 1100);
    store.finish(b!.id, 'done', 5000, null);
    store.markGone(c!.id, 1300, 'deleted before its run started');
    expect(store.counts('t', 0)).toEqual({ pending: 0, running: 1, processed: 1, failed: 0 });
    expect(store.counts('t', 6000)).toEqual({ pending: 0, running: 1, processed: 0, failed: 0 });
    expect(store.unfinished('t').map((r) => r.name.toString())).toEqual(['a', 'b']);
    store.settle(b!.id, Buffer.from('/x/processed/b'), null);
    expect(store.unfinished('t').map((r) => r.name.toString())).toEqual(['a']);
  });

  it('takes back a file that had gone (moved out, then back in whole): it runs', () => {
    const store = openRunStore(':memory:').watchFiles;
    const [row] = store.addPending('t', [key('back')], 1);
    store.markGone(row!.id, 2, 'deleted before its run started');
    const revived = store.addPending('t', [key('back')], 3);
    expect(revived.map((r) => [r.id, r.state, r.reason])).toEqual([[row!.id, 'pending', null]]);
  });

  it('pages pending files oldest first, after a cursor', () => {
    const store = openRunStore(':memory:').watchFiles;
    const rows = store.addPending('t', ['a', 'b', 'c', 'd'].map((x) => key(x)), 1);
    expect(store.pendingAfter('t', rows[1]!.id, 10).map((r) => r.name.toString())).toEqual(['c', 'd']);
    expect(store.pendingAfter('t', 0, 2).map((r) => r.name.toString())).toEqual(['a', 'b']);
  });

  it('prunes old rows of files moved away or gone, never those of files left in place', () => {
    const store = openRunStore(':memory:').watchFiles;
    const [moved, inPlace, gone] = store.addPending('t', [key('moved'), key('in-place'), key('gone')], 1);
    for (const row of [moved!, inPlace!]) {
      store.claim(row.id, `run-${row.id}`, 2);
      store.finish(row.id, 'done', 3, null);
    }
    store.settle(moved!.id, Buffer.from('/p/moved'), null);
    store.settle(inPlace!.id, null, null);
    store.markGone(gone!.id, 3, 'deleted before its run started');
    expect(store.prune(10)).toBe(2);
    expect(store.find('t', key('in-place'))?.state).toBe('done');
    expect(store.find('t', key('moved'))).toBeNull();
  });
});

describe('moveNoReplace', () => {
  it('renames into the folder, and never over a file: -1, -2, ... before the extension', () => {
    const dir = scratch();
    const into = path.join(dir, 'processed');
    fs.mkdirSync(into);
    fs.writeFileSync(path.join(into, 'x.json'), 'old');
    fs.writeFileSync(path.join(into, 'x-1.json'), 'older');
    fs.writeFileSync(path.join(dir, 'x.json'), 'new');
    const inode = fs.statSync(path.join(dir, 'x.json')).ino;
    const to = moveNoReplace(Buffer.from(path.join(dir, 'x.json')), Buffer.from('x.json'), into) as Buffer;
    expect(to.toString()).toBe(path.join(into, 'x-2.json'));
    expect(fs.statSync(to).ino).toBe(inode); // renamed, not copied
    expect(fs.readFileSync(path.join(into, 'x.json'), 'utf8')).toBe('old');
    expect(fs.readFileSync(path.join(into, 'x-1.json'), 'utf8')).toBe('older');
    expect(fs.existsSync(path.join(dir, 'x.json'))).toBe(false);
  });

  it('never moves a file into the folder it is in, however the folder is named: the file stays, whole', () => {
    const dir = scratch();
    fs.writeFileSync(path.join(dir, 'z.txt'), 'keep me');
    fs.symlinkSync(dir, path.join(dir, 'link'));
    for (const into of [dir, `${dir}/`, path.join(dir, '..', path.basename(dir)), path.join(dir, 'link')]) {
      expect(() => moveNoReplace(Buffer.from(path.join(dir, 'z.txt')), Buffer.from('z.txt'), into)).toThrow(/is the folder the file is in/);
    }
    expect(fs.readFileSync(path.join(dir, 'z.txt'), 'utf8')).toBe('keep me');
    expect(fs.readdirSync(dir).sort()).toEqual(['link', 'z.txt']);
  });

  it('finishes a move a crash cut between the link and the unlink, without a second copy', () => {
    const dir = scratch();
    const into = path.join(dir, 'processed');
    fs.mkdirSync(into);
    fs.writeFileSync(path.join(dir, 'y'), 'y');
    fs.linkSync(path.join(dir, 'y'), path.join(into, 'y'));
    const to = moveNoReplace(Buffer.from(path.join(dir, 'y')), Buffer.from('y'), into);
    expect(to.toString()).toBe(path.join(into, 'y'));
    expect(fs.readdirSync(into)).toEqual(['y']);
    expect(fs.existsSync(path.join(dir, 'y'))).toBe(false);
  });

  const inodeOf = (file: string) => {
    const stat = fs.statSync(file, { bigint: true });
    return `${stat.dev}:${stat.ino}`;
  };

  it('moves the file that ran even when its command wrote to it (the same inode)', () => {
    const dir = scratch();
    const into = path.join(dir, 'processed');
    fs.writeFileSync(path.join(dir, 'w'), 'v1');
    const ran = inodeOf(path.join(dir, 'w'));
    fs.appendFileSync(path.join(dir, 'w'), ' stamped');
    fs.mkdirSync(into);
    const to = moveNoReplace(Buffer.from(path.join(dir, 'w')), Buffer.from('w'), into, ran);
    expect(to.toString()).toBe(path.join(into, 'w'));
    expect(fs.readFileSync(path.join(into, 'w'), 'utf8')).toBe('v1 stamped');
  });

  it('leaves a file renamed over the name while the run went where it is, and says so (replaced)', () => {
    const dir = scratch();
    const into = path.join(dir, 'processed');
    fs.mkdirSync(into);
    fs.writeFileSync(path.join(dir, 'x'), 'v1');
    const ran = inodeOf(path.join(dir, 'x'));
    fs.writeFileSync(path.join(dir, 'x.part'), 'v2-new');
    fs.renameSync(path.join(dir, 'x.part'), path.join(dir, 'x'));
    expect(moveNoReplace(Buffer.from(path.join(dir, 'x')), Buffer.from('x'), into, ran)).toBe('replaced');
    expect(fs.readFileSync(path.join(dir, 'x'), 'utf8')).toBe('v2-new');
    expect(fs.readdirSync(into)).toEqual([]);
  });

});

describe('the watch folder file system', () => {
  const folder = createWatchFolderFs();

  it('makes the destination folder, and moves a name that is not UTF-8 with its exact bytes', () => {
    const dir = scratch();
    const name = Buffer.concat([Buffer.from('caf'), Buffer.of(0xe9, 0xff)]);
    fs.writeFileSync(pathIn(dir, name), 'z');
    const to = folder.moveInto(pathIn(dir, name), name, path.join(dir, 'done'));
    expect(Buffer.isBuffer(to) && to.equals(pathIn(path.join(dir, 'done'), name))).toBe(true);
    expect(fs.readdirSync(path.join(dir, 'done'), { encoding: 'buffer' })).toEqual([name]);
  });

  it('makes the destination folder again when it was removed after the last move', () => {
    const dir = scratch();
    const done = path.join(dir, 'done');
    fs.writeFileSync(path.join(dir, 'a'), 'a');
    folder.moveInto(Buffer.from(path.join(dir, 'a')), Buffer.from('a'), done);
    fs.rmSync(done, { recursive: true });
    fs.writeFileSync(path.join(dir, 'b'), 'b');
    expect(folder.moveInto(Buffer.from(path.join(dir, 'b')), Buffer.from('b'), done)?.toString()).toBe(path.join(done, 'b'));
  });

  it('moves nothing, and says so with null, when the file is no longer there (its command deleted or moved it)', () => {
    const dir = scratch();
    const done = path.join(dir, 'done');
    expect(folder.moveInto(Buffer.from(path.join(dir, 'gone')), Buffer.from('gone'), done)).toBeNull();
    expect(fs.readdirSync(done)).toEqual([]);
    fs.writeFileSync(path.join(dir, 'here'), 'x');
    expect(folder.moveInto(Buffer.from(path.join(dir, 'gone')), Buffer.from('gone'), done)).toBeNull(); // the folder made already
    expect(folder.moveInto(Buffer.from(path.join(dir, 'here', 'x')), Buffer.from('x'), done)).toBeNull(); // a file on its way: ENOTDIR
  });

  it('says why a move cannot be made: a file where the folder should be', () => {
    const dir = scratch();
    fs.writeFileSync(path.join(dir, 'a'), 'a');
    fs.writeFileSync(path.join(dir, 'blocker'), 'not a folder');
    expect(() => folder.moveInto(Buffer.from(path.join(dir, 'a')), Buffer.from('a'), path.join(dir, 'blocker'))).toThrow(/blocker cannot be made/);
    expect(fs.existsSync(path.join(dir, 'a'))).toBe(true);
  });

  it('writes status files atomically, never over one another (-2 within the same second)', async () => {
    const dir = scratch();
    const at = Date.parse('2025-06-02T02:15:03Z');
    const first = await folder.writeStatus(dir, Buffer.from('f.json'), at, '{"n":1}\n');
    const second = await folder.writeStatus(dir, Buffer.from('f.json'), at, '{"n":2}\n');
    expect(path.basename(first.toString())).toBe('f.json-20250602-021503.status');
    expect(path.basename(second.toString())).toBe('f.json-20250602-021503-2.status');
    expect(fs.readFileSync(first, 'utf8')).toBe('{"n":1}\n');
    expect(fs.readFileSync(second, 'utf8')).toBe('{"n":2}\n');
    expect(fs.readdirSync(dir).filter((x) => x.endsWith('.tmp'))).toEqual([]);
  });

  it('stats regular files only, with nanosecond mtimes', () => {
    const dir = scratch();
    fs.writeFileSync(path.join(dir, 'f'), 'abc');
    fs.mkdirSync(path.join(dir, 'sub'));
    const stat = folder.stat(Buffer.from(path.join(dir, 'f')));
    expect(stat?.size).toBe(3);
    expect(stat?.mtimeNs).toBe(fs.statSync(path.join(dir, 'f'), { bigint: true }).mtimeNs);
    expect(folder.stat(Buffer.from(path.join(dir, 'sub')))).toBeNull();
    expect(folder.stat(Buffer.from(path.join(dir, 'missing')))).toBeNull();
  });
});
