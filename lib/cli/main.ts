import type { Command } from './command.js';
import { COMMANDS, findCommand } from './commands.js';
import type { CliIO } from './io.js';
import { explainUsage, wantsHelp } from './unknown-option.js';
import { topUsage } from './usage.js';
import { UsageError } from './usage-error.js';
import { CLI_VERSION } from './version.js';

export type { CliIO } from './io.js';

/** Every command's module, loaded (only to say which commands take an option another refused). */
async function loadAll(): Promise<Record<string, Command<unknown>>> {
  const entries = await Promise.all(Object.entries(COMMANDS).map(async ([name, entry]) => [name, await entry.load()] as const));
  return Object.fromEntries(entries);
}

/** Say a usage error the way every command does, then the help to read; exit code 2. */
function usageFailure(io: CliIO, name: string | undefined, e: UsageError): number {
  io.err(`rxbtc${name === undefined ? '' : ` ${name}`}: ${e.message}`);
  io.err(`try rxbtc ${name === undefined ? '' : `${name} `}--help`);
  return 2;
}

/** The usage error of a first argument that names no command. */
function notACommand(first: string): UsageError {
  return first.startsWith('-')
    ? new UsageError(`${first} goes after the command: rxbtc COMMAND ${first} …`)
    : new UsageError(`unknown command ${first}: use ${Object.keys(COMMANDS).join(', ')}`);
}

/**
 * Run the `rxbtc` command line: `rxbtc COMMAND [ARGUMENTS] [options]`,
 * `rxbtc COMMAND --help`, `rxbtc --help`, `rxbtc --version`. Only the named
 * command's module is loaded (`--help` and `--version` load none), and its
 * runner only once its arguments are valid. Resolves with the process exit
 * code (0 ok, 1 failure, 2 usage error).
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.out(topUsage().trimEnd());
    return 0;
  }
  if (first === '--version' || first === '-v') {
    io.out(CLI_VERSION);
    return 0;
  }
  const entry = findCommand(first);
  if (!entry) return usageFailure(io, undefined, notACommand(first));
  const command = await entry.load();
  if (wantsHelp(rest)) {
    io.out(command.usage.trimEnd());
    return 0;
  }
  let prepared;
  try {
    prepared = command.prepare(rest);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return usageFailure(io, first, e.unknownOption === undefined ? e : explainUsage(e, first, await loadAll()));
  }
  return prepared.run(io);
}
