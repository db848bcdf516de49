// The conductor home's own files (status/, task logs, its log) are protected when a maintenance root holds them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ownState } from '../../../src/maintenance/shared/commandInputs.js';

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'own-state-')));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));
const home = path.join(base, 'srv', 'home');
fs.mkdirSync(path.join(home, 'status', 'automation_health'), { recursive: true });
fs.mkdirSync(path.join(home, 'logs', 'automation'), { recursive: true });

describe('ownState', () => {
  it('protects the home folders from the root when the root is the home', () => {
    expect(ownState(home, home)).toEqual(['/status/', '/logs/automation/', '/logs/symphony_conductor.log*']);
  });

  it('anchors them below the root when the home is inside it', () => {
    expect(ownState(base, home)).toEqual(['/srv/home/status/', '/srv/home/logs/automation/', '/srv/home/logs/symphony_conductor.log*']);
  });

  it('protects everything when the root is inside the home state', () => {
    expect(ownState(path.join(home, 'status', 'automation_health'), home)).toEqual(['**']);
    expect(ownState(path.join(home, 'logs', 'automation'), home)).toEqual(['**']);
  });

  it("protects the task logs and the conductor's log when the root is the home's logs folder", () => {
    expect(ownState(path.join(home, 'logs'), home)).toEqual(['/automation/', '/symphony_conductor.log*']);
  });

  it('adds nothing for a root elsewhere, or for a home that does not exist', () => {
    const elsewhere = path.join(base, 'data');
    fs.mkdirSync(elsewhere);
    expect(ownState(elsewhere, home)).toEqual([]);
    expect(ownState(base, path.join(base, 'missing-home'))).toEqual([]);
  });
});
