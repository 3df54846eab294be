import type { CliIO } from './io.js';
import { formatOptions, type OptionTable } from './option-table.js';

/** A command line read by a {@link Command}: its options, and what runs it. */
export interface Prepared<C> {
  /** The command's options, as parsed. */
  readonly options: C;
  /** Run the command; resolves with the exit code (0 ok, 1 failure, 2 bad arguments). */
  run(io: CliIO): Promise<number>;
}

/** One `rxbtc` command: its usage, and its parser (a module of its own, loaded only when that command runs). */
export interface Command<C> {
  /** The text of `rxbtc COMMAND --help`. */
  readonly usage: string;
  /** Its options' long names (without `--`). */
  readonly options: readonly string[];
  /**
   * Read the arguments after the command name.
   * @throws UsageError when they are not a valid command line
   */
  prepare(argv: readonly string[]): Prepared<C>;
}

/** What a command's usage says. */
export interface UsageText {
  /** What follows `rxbtc ` on the usage line (`connect HOST[:PORT] [options]`). */
  synopsis: string;
  /** What it does, in a paragraph or a few. */
  about: string;
  /** Its options. */
  options: OptionTable;
}

/** The text of `rxbtc COMMAND --help`: usage line, what it does, the options (with `--help`). */
export function commandUsage({ synopsis, about, options }: UsageText): string {
  const help = formatOptions({ help: { type: 'boolean', short: 'h', help: 'this text' } });
  return `Usage: rxbtc ${synopsis}\n\n${about.trim()}\n\nOptions:\n${formatOptions(options)}\n${help}\n`;
}

/**
 * A command from its usage, its parser and its runner. The runner is
 * where the command's heavy imports belong (`import()` inside it), so that
 * loading a command to read its arguments costs little.
 * @param usage - what `rxbtc COMMAND --help` says, and the options
 * @param parse - reads the arguments (throws UsageError)
 * @param run - runs the parsed command, resolving with the exit code
 */
export function defineCommand<C>(
  usage: UsageText,
  parse: (argv: readonly string[]) => C,
  run: (cmd: C, io: CliIO) => Promise<number>,
): Command<C> {
  return {
    usage: commandUsage(usage),
    options: Object.keys(usage.options),
    prepare: (argv) => {
      const options = parse(argv);
      return { options, run: (io) => run(options, io) };
    },
  };
}
