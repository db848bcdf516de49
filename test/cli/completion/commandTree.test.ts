import yargs, { type CommandModule } from 'yargs';
import { describe, expect, it } from 'vitest';
import { commandTree, flagsOf } from '../../../src/cli/completion/commandTree.js';
import { coreCommands } from '../../../src/cli/commands/index.js';
import { maintenanceCommands } from '../../../src/cli/commands/maintenance/index.js';

/** A command as another helper might add it tomorrow. */
const later: CommandModule<any, any> = {
  command: 'simulate [when]',
  describe: 'What the daemon would do',
  builder: (y) =>
    y
      .positional('when', { choices: ['today', 'week'] })
      .option('task', { alias: 't', type: 'string', describe: 'only this task' })
      .option('days', { type: 'number' })
      .option('json', { type: 'boolean' })
      .option('secret', { type: 'boolean', hidden: true })
      .option('format', { choices: ['text', 'json'] })
      .option('durations-file', { type: 'string' }),
  handler: () => {},
};

const nested: CommandModule<any, any> = {
  command: 'queue <command>',
  describe: 'Queues',
  builder: (y) =>
    y
      .command({ command: 'drain', describe: 'Empty it', builder: (z) => z.option('force', { type: 'boolean' }), handler: () => {} })
      .command('pause', 'Stop taking work', (z) => z.option('until', { type: 'string' }), () => {})
      .demandCommand(1),
  handler: () => {},
};

describe('commandTree', () => {
  const [simulate] = commandTree([later]);

  it('reads a command added later from its builder alone', () => {
    expect(simulate?.name).toBe('simulate');
    expect(simulate?.describe).toBe('What the daemon would do');
  });

  it('reads flags with their aliases, leaving hidden ones out', () => {
    expect(simulate?.flags.map((f) => f.names)).toEqual([['--task', '-t'], ['--days'], ['--json'], ['--format'], ['--durations-file']]);
  });

  it.each([
    ['--task', { kind: 'tasks' }],
    ['--days', { kind: 'any' }],
    ['--json', { kind: 'none' }],
    ['--format', { kind: 'words', words: ['text', 'json'] }],
    ['--durations-file', { kind: 'files' }],
  ])('knows what the value of %s is', (flag, value) => {
    expect(simulate?.flags.find((f) => f.names[0] === flag)?.value).toEqual(value);
  });

  it('reads positional choices', () => {
    expect(simulate?.positionals).toEqual([{ kind: 'words', words: ['today', 'week'] }]);
  });

  it('reads subcommands registered in either form', () => {
    const [queue] = commandTree([nested]);
    expect(queue?.subcommands.map((s) => [s.name, s.flags.map((f) => f.names[0])])).toEqual([
      ['drain', ['--force']],
      ['pause', ['--until']],
    ]);
    expect(queue?.positionals).toEqual([]);
  });

  it('leaves out hidden commands', () => {
    expect(commandTree([{ ...later, describe: false }])).toEqual([]);
  });

  it('covers every command the CLI registers', () => {
    const names = commandTree([...coreCommands, ...maintenanceCommands]).map((c) => c.name);
    const registered = [...coreCommands, ...maintenanceCommands].map((m) => String(m.command).split(' ')[0]);
    expect(names).toEqual(registered);
    expect(names).toEqual(expect.arrayContaining(['run', 'import-crontab', 'completion', 'cleanup']));
  });
});

describe('flagsOf', () => {
  it("reads a parser's global flags", () => {
    const parser = yargs([]).option('home', { type: 'string', describe: 'home directory' }).option('config', { alias: 'c', type: 'string' });
    expect(flagsOf(parser).map((f) => [f.names, f.describe, f.value.kind])).toEqual([
      [['--help'], 'Show help', 'none'],
      [['--version'], 'Show version number', 'none'],
      [['--home'], 'home directory', 'dirs'],
      [['--config', '-c'], '', 'files'],
    ]);
  });
});
