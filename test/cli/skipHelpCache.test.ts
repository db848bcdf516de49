// yargs no longer renders the help text before a handler runs, and still prints it on --help.
import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { skipHelpCache } from '../../src/cli/skipHelpCache.js';

type Internals = { getInternalMethods(): { getUsageInstance(): { hasCachedHelpMessage(): boolean } } };

function parser(argv: string[], ran: string[]) {
  return yargs(argv)
    .scriptName('conductor-test')
    .command('status', 'show the status', {}, () => {
      ran.push('status');
    })
    .option('home', { type: 'string', describe: 'home directory' })
    .strict()
    .help()
    .exitProcess(false);
}

describe('skipHelpCache', () => {
  it("stops yargs from rendering the help before the handler (and finds yargs' internals)", async () => {
    const ran: string[] = [];
    const plain = parser(['status'], ran);
    await plain.parseAsync();
    expect((plain as unknown as Internals).getInternalMethods().getUsageInstance().hasCachedHelpMessage()).toBe(true);

    const lean = parser(['status'], ran);
    expect(skipHelpCache(lean)).toBe(true);
    await lean.parseAsync();
    expect((lean as unknown as Internals).getInternalMethods().getUsageInstance().hasCachedHelpMessage()).toBe(false);
    expect(ran).toEqual(['status', 'status']);
  });

  it('leaves --help whole', async () => {
    const help = async (skip: boolean) => {
      const p = parser(['status', '--help'], []);
      if (skip) skipHelpCache(p);
      let text = '';
      await p.parseAsync(['status', '--help'], {}, (_error, _argv, output) => {
        text = output;
      });
      return text;
    };
    const text = await help(true);
    expect(text).toContain('--home');
    expect(text).toContain('conductor-test status');
    expect(text).toBe(await help(false));
  });
});
