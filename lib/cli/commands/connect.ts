import { networkNamed, noMore, parseHostPort } from '../arg-values.js';
import { defineCommand, type UsageText } from '../command.js';
import { JSON_OPTION, NETWORK_OPTION } from '../common-options.js';
import type { ConnectCommand } from '../connect-command.js';
import { readArgs } from '../option-table.js';
import { UsageError } from '../usage-error.js';

const OPTIONS = {
  ...NETWORK_OPTION,
  proxy: { type: 'string', value: 'URL', help: 'connect through a SOCKS5 proxy such as Tor (hostnames resolved by the proxy)' },
  transport: {
    type: 'string',
    default: 'auto',
    value: 'T',
    help: 'v2 (BIP324 encryption), v1, or auto (default: v2, then v1 once if the\nremote drops the key exchange)',
  },
  ...JSON_OPTION,
} as const;

const USAGE: UsageText = {
  synopsis: 'connect HOST[:PORT] [options]',
  about: `Connect to one peer, print its handshake (user agent, services, height,
transport), then every message it sends, one line each (JSON lines with
--json), with the ping latency. Ctrl-C disconnects. Exits 1 when the
connection could not be made or ended on an error: a script learns the node
went away.`,
  options: OPTIONS,
};

/** The parsed `rxbtc connect` command line. */
export type ConnectArgs = { kind: 'connect' } & ConnectCommand;

function parse(argv: readonly string[]): ConnectArgs {
  const { values, positionals } = readArgs(OPTIONS, argv);
  const [target, ...rest] = positionals;
  if (target === undefined) throw new UsageError('connect needs HOST[:PORT]');
  noMore(rest);
  const network = networkNamed(values.network);
  const transport = values.transport;
  if (transport !== 'auto' && transport !== 'v2' && transport !== 'v1')
    throw new UsageError(`--transport must be v2, v1 or auto, got ${transport}`);
  return { kind: 'connect', ...parseHostPort(target, network.port), network, proxy: values.proxy, json: values.json, transport };
}

/** `rxbtc connect HOST[:PORT]`: one peer's handshake and messages. */
export const command = defineCommand(USAGE, parse, async (cmd, io) => (await import('../connect-command.js')).runConnect(cmd, io));
