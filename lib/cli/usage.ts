import { COMMANDS } from './commands.js';

/** The text of `rxbtc --help`: the commands and their summaries (each command's own usage is `rxbtc COMMAND --help`). */
export function topUsage(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const lines = Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}${entry.summary}`);
  return `rxbtc — talk to Bitcoin peers from the terminal

Usage: rxbtc COMMAND [ARGUMENTS] [options]

Commands:
${lines.join('\n')}

rxbtc COMMAND --help     the command's arguments and options
rxbtc --version          the version

Exit status: 0 ok (Ctrl-C and SIGTERM included), 1 failure, 2 bad arguments.
`;
}
