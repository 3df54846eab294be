import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.js';

/** How `util.parseArgs` reads one option (type, multiple, short, default). */
type ParseArgsOption = NonNullable<ParseArgsConfig['options']>[string];

/** One option of a command: how `util.parseArgs` reads it, and its line in the command's usage. */
export interface OptionSpec extends ParseArgsOption {
  /** The value's name in the usage (`--network NAME`); boolean options have none. */
  readonly value?: string;
  /** What it does, for the usage (one or a few short lines; `\n` starts a new one). */
  readonly help: string;
}

/** A command's options by long name (without `--`). */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** The `util.parseArgs` configuration a table is read with: strict, positionals allowed. */
interface ArgsConfig<T extends OptionTable> {
  args: string[];
  options: T;
  allowPositionals: true;
  strict: true;
}

/** What {@link readArgs} returns: the values typed from the table, and the positionals. */
export type ParsedArgs<T extends OptionTable> = ReturnType<typeof parseArgs<ArgsConfig<T>>>;

/** What `util.parseArgs` throws: a Node error with a code (checked by shape: it may come from another realm). */
interface ParseArgsError {
  code?: unknown;
  message?: unknown;
}

/** The option `util.parseArgs` refused as unknown, from its message (`Unknown option '--x'`). */
function unknownOption(e: ParseArgsError): string | undefined {
  if (e.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || typeof e.message !== 'string') return undefined;
  return /'(-[^']+)'/.exec(e.message)?.[1];
}

/**
 * Read a command's arguments with `util.parseArgs` against its table: unknown
 * options, a missing value or a value given to a boolean are usage errors.
 * @param options - the command's option table
 * @param argv - the arguments after the command name
 * @throws UsageError when `util.parseArgs` refuses them
 */
export function readArgs<T extends OptionTable>(options: T, argv: readonly string[]): ParsedArgs<T> {
  try {
    return parseArgs<ArgsConfig<T>>({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (e) {
    const error: ParseArgsError = typeof e === 'object' && e !== null ? e : { message: String(e) };
    const option = unknownOption(error);
    if (option !== undefined) throw new UsageError(`unknown option ${option}`, option);
    throw new UsageError(typeof error.message === 'string' ? error.message : String(e));
  }
}

/** Width of the option column in usage text. */
const COLUMN = 19;

/** The `Options:` lines of a command's usage, from its table (a default shown when the help does not say it). */
export function formatOptions(options: OptionTable): string {
  return Object.entries(options)
    .map(([name, spec]) => {
      const flag = `  ${spec.short === undefined ? '' : `-${spec.short}, `}--${name}${spec.value === undefined ? '' : ` ${spec.value}`}`;
      const [first = '', ...more] = spec.help.split('\n');
      const lead = flag.length < COLUMN ? flag.padEnd(COLUMN) : `${flag}\n${' '.repeat(COLUMN)}`;
      return [lead + first, ...more.map((l) => ' '.repeat(COLUMN) + l)].join('\n');
    })
    .join('\n');
}
