// Folders removed under a running daemon (`rm -rf logs/`, `rm -rf status/`): what is missing is
// made again and the daemon goes on as if nothing happened.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeHome } from '../helpers/cli.js';
import { killDaemonsAfterEach, startDaemon } from '../helpers/daemon.js';
import { exitOf, rows, waitFor } from '../helpers/wait.js';

killDaemonsAfterEach();

describe('when logs/ is removed under a running daemon', () => {
  it('later runs still start and succeed, and the task log and the conductor log are made again', async () => {
    const home = makeHome({ tasks: [{ name: 'tick', command: 'echo tock', schedule: '* * * * * *' }] });
    const daemon = startDaemon(home);
    await waitFor(() => rows(home).filter((r) => r.status === 'success').length >= 2, 'two runs');
    const removedAt = Date.now();
    fs.rmSync(path.join(home, 'logs'), { recursive: true, force: true });
    const after = () => rows(home).filter((r) => r.started_at > removedAt + 1000);
    await waitFor(() => after().length >= 3, 'three runs after the removal');
    expect(after().map((r) => [r.status, r.reason])).toEqual(after().map(() => ['success', null]));
    const taskLog = path.join(home, 'logs/automation/tick.log');
    expect(fs.readFileSync(taskLog, 'utf8')).toMatch(/=== symphony-conductor run=\S+ attempt=1 task=tick[^\n]*\ntock\n/);
    const conductorLog = path.join(home, 'logs/symphony_conductor.log');
    await waitFor(() => fs.existsSync(conductorLog) && fs.readFileSync(conductorLog, 'utf8').includes('attempt finished'), 'the conductor log made again');
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
    expect(fs.readFileSync(conductorLog, 'utf8')).toMatch(/"msg":"stopped"/);
  });
});
