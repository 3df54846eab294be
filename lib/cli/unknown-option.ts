import type { Command } from './command.js';
import { UsageError } from './usage-error.js';

/** `a`, `a and b`, `a, b and c`. */
function list(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
}

/**
 * A usage error of command `name` said better when it is an option of other
 * commands (`--datadir is for headers, watch and address, not connect`);
 * any other error as it is.
 * @param e - the error the command's parser threw
 * @param name - the command that refused it
 * @param commands - every command by name
 */
export function explainUsage(e: UsageError, name: string, commands: Readonly<Record<string, Command<unknown>>>): UsageError {
  if (e.unknownOption?.startsWith('--') !== true) return e;
  const option = e.unknownOption.slice(2);
  const owners = Object.entries(commands)
    .filter(([, c]) => c.options.includes(option))
    .map(([n]) => n);
  if (owners.length === 0) return e;
  return new UsageError(`${e.unknownOption} is for ${list(owners)}, not ${name}`, e.unknownOption);
}

/** Whether the arguments ask for help (`--help` or `-h` before any `--`). */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const options = end < 0 ? argv : argv.slice(0, end);
  return options.includes('--help') || options.includes('-h');
}
