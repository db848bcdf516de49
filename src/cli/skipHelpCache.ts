// yargs renders the whole help text (every option of every command, wrapped) before it calls a
// command's handler, in case the handler asks for it later with showHelp(). None of ours does,
// and the rendering cost ~10 ms of every command's start-up (issue 17: a third of yargs' share
// of `status`). `--help` and `help` still render it when they print it; a usage error prints
// our one-line message (main.ts's fail handler), not the help.
import type { Argv } from 'yargs';

interface UsageInstance {
  cacheHelpMessage?: () => void;
}

interface WithInternals {
  getInternalMethods?: () => { getUsageInstance?: () => UsageInstance };
}

/** Turns off yargs' help rendering ahead of every handler; true when it could (yargs 17's internals). */
export function skipHelpCache(parser: Argv): boolean {
  const usage = (parser as unknown as WithInternals).getInternalMethods?.().getUsageInstance?.();
  if (typeof usage?.cacheHelpMessage !== 'function') return false;
  usage.cacheHelpMessage = () => {};
  return true;
}
