import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src/core/config/validateConfig.js';

const watchTask = (watch: unknown, over: Record<string, unknown> = {}) => ({ name: 'intake', command: './process.sh', watch, ...over });

function problems(value: unknown): string[] {
  const result = validateConfig(value);
  return result.ok ? [] : result.problems.map((p) => `${p.where}: ${p.message}`);
}

describe('when a task watches a folder', () => {
  it('fills the documented defaults (spec/triggers.md)', () => {
    const result = validateConfig({ tasks: [watchTask({ path: 'handoff/' }), { name: 'plain', command: 'true' }] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.tasks[0]?.watch).toEqual({
      path: 'handoff/',
      pattern: '*',
      settle_ms: 200,
      workers: 2,
      processed_dir: 'handoff/processed',
      failed_dir: 'handoff/failed',
      json: false,
      json_schema: null,
    });
    expect(result.config.tasks[1]?.watch).toBeNull();
  });

  it('takes null folders as "leave the file in place", and json_schema as implying json', () => {
    const result = validateConfig({ tasks: [watchTask({ path: 'in', processed_dir: null, failed_dir: 'bad', json_schema: 'config/intent.schema.json' })] });
    expect(result.ok && result.config.tasks[0]?.watch).toMatchObject({ processed_dir: null, failed_dir: 'bad', json: true, json_schema: 'config/intent.schema.json' });
  });

  it.each([
    [{ path: 'in', pattern: 'a/*.json' }, "/tasks/0/watch/pattern: \"a/*.json\" holds a '/': the pattern matches file names, not paths"],
    [{ path: 'in', pattern: '[abc' }, "/tasks/0/watch/pattern: \"[abc\" has a '[' with no closing ']'"],
    [{ path: 'in', json: false, json_schema: 's.json' }, '/tasks/0/watch/json: json is false but json_schema is set: a schema check needs the JSON (omit json, or set it true)'],
    [{ path: 'in/', processed_dir: './in' }, '/tasks/0/watch/processed_dir: is the watched folder itself: a file would be "moved" to where it is (use null to leave files in place)'],
    [{ path: 'in', workers: 0 }, '/tasks/0/watch/workers: must be >= 1, got 0'],
    [{ path: 'in', settle_ms: -5 }, '/tasks/0/watch/settle_ms: must be >= 0, got -5'],
    [{ path: 'in', recursive: true }, '/tasks/0/watch/recursive: unknown key'],
    [{ pattern: '*' }, '/tasks/0/watch/path: required key is missing'],
    [{ path: '' }, '/tasks/0/watch/path: must not be empty'],
    [{ path: 'in\0x' }, '/tasks/0/watch/path: must not hold a NUL byte'],
  ])('refuses %j with its JSON pointer', (watch, expected) => {
    expect(problems({ tasks: [watchTask(watch)] })).toContain(expected);
  });

  it('refuses two tasks on one folder whose patterns can take the same file', () => {
    const result = validateConfig({ tasks: [watchTask({ path: 'in' }), watchTask({ path: './in/', pattern: '*.json' }, { name: 'other' })] });
    expect(result.ok).toBe(false);
    expect(problems({ tasks: [watchTask({ path: 'in' }), watchTask({ path: './in/', pattern: '*.json' }, { name: 'other' })] })).toContain(
      '/tasks/1/watch/pattern: /tasks/0 watches the same folder with a pattern that can take the same files ("*", "*.json"): a file would be run by one task and moved away from the other; give them patterns that cannot match one name ("*.csv", "*.json"), or folders of their own',
    );
  });

  it.each([
    ['*.csv', '*.json'],
    ['in-*', 'out-*'],
    ['{a,b}-*.txt', 'c-*.txt'],
    ['report.csv', '*.json'],
    ['data-[0-9].csv', 'data-*.json'],
  ])('accepts two tasks on one folder with patterns %s and %s that cannot take one file', (a, b) => {
    const result = validateConfig({ tasks: [watchTask({ path: 'in', pattern: a }), watchTask({ path: 'in', pattern: b }, { name: 'other' })] });
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([]);
  });

  it.each([
    ['*', 'x'],
    ['a*', '*b'],
    ['{a,c}-*', 'c-*.txt'],
    ['report.csv', 'report.*'],
    ['?.txt', '[ab].txt'],
  ])('refuses patterns %s and %s on one folder, which can take one file', (a, b) => {
    expect(validateConfig({ tasks: [watchTask({ path: 'in', pattern: a }), watchTask({ path: 'in', pattern: b }, { name: 'other' })] }).ok).toBe(false);
  });
});
