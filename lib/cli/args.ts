import type { Command } from './command.js';
import { command as address, type AddressArgs } from './commands/address.js';
import { command as bridge, type BridgeArgs } from './commands/bridge.js';
import { command as connect, type ConnectArgs } from './commands/connect.js';
import { command as follow, type FollowArgs } from './commands/follow.js';
import { command as headers, type HeadersArgs } from './commands/headers.js';
import { command as listen, type ListenArgs } from './commands/listen.js';
import { command as notify, type NotifyArgs } from './commands/notify.js';
import { command as send, type SendArgs } from './commands/send.js';
import { command as watch, type WatchArgs } from './commands/watch.js';
import { explainUsage, wantsHelp } from './unknown-option.js';
import { UsageError } from './usage-error.js';

export { UsageError } from './usage-error.js';
export { parseCheckpoint, parseHostPort } from './arg-values.js';

/** A parsed command line. */
export type CliCommand =
  | { kind: 'help'; command?: string }
  | { kind: 'version' }
  | ConnectArgs
  | ListenArgs
  | BridgeArgs
  | HeadersArgs
  | WatchArgs
  | AddressArgs
  | SendArgs
  | FollowArgs
  | NotifyArgs;

/** Every command's module, loaded. */
const ALL: Readonly<Record<string, Command<CliCommand>>> = { connect, listen, headers, watch, address, send, follow, bridge, notify };

/**
 * Parse a whole `rxbtc` command line at once (without `node` and the
 * script), every command's parser loaded: for tests and embedders. The
 * `rxbtc` process itself loads only the command it runs (see `runCli`).
 * @throws UsageError for an unknown command or option, a missing host, a bad port or network…
 */
export function parseCli(argv: readonly string[]): CliCommand {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') return { kind: 'help' };
  if (first === '--version' || first === '-v') return { kind: 'version' };
  const command = Object.hasOwn(ALL, first) ? ALL[first] : undefined;
  if (!command) throw new UsageError(`unknown command ${first}: use ${Object.keys(ALL).join(', ')}`);
  if (wantsHelp(rest)) return { kind: 'help', command: first };
  try {
    return command.prepare(rest).options;
  } catch (e) {
    throw e instanceof UsageError ? explainUsage(e, first, ALL) : e;
  }
}
