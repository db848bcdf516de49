// The "did you mean" of an unknown task name on the command line (run --task, pause, ...).
import { describe, expect, it } from 'vitest';
import { closeNames } from '../../src/core/text/editDistance.js';

const shipped = ['inventory_scan', 'cleanup_analysis', 'cleanup_execution', 'health_check', 'git_maintenance'];

describe('closeNames', () => {
  it('suggests a name a typo or two away, or differing only in case', () => {
    expect(closeNames('inventry_scan', shipped)).toEqual(['inventory_scan']);
    expect(closeNames('Health_Check', shipped)).toEqual(['health_check']);
    expect(closeNames('A', ['a', 'c'])).toEqual(['a']);
  });

  it('suggests the names that contain what was typed, closest first', () => {
    expect(closeNames('cleanup', shipped)).toEqual(['cleanup_analysis', 'cleanup_execution']);
  });

  it('suggests nothing for a name that only shares a letter with one', () => {
    expect(closeNames('nosuch', ['a', 'c'])).toEqual([]);
    expect(closeNames('x', ['a', 'c'])).toEqual([]);
  });
});
