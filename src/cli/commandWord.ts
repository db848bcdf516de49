// The command a CLI argument list names, read before yargs has parsed it (yargs and the command
// modules are not loaded yet): `start` decides how the process runs, and the compile cache is
// kept per command.

/**
 * The command of a CLI argument list: the first word that is not an option or the value of a
 * global option (`--home X start`).
 */
export function commandOf(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') return argv[i + 1] ?? null;
    if (arg === '--home' || arg === '--config') i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return null;
}
