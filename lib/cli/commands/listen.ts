import { networkNamed, noMore, parsePort } from '../arg-values.js';
import { defineCommand, type UsageText } from '../command.js';
import { JSON_OPTION, NETWORK_OPTION } from '../common-options.js';
import type { ListenCommand } from '../listen-command.js';
import { readArgs } from '../option-table.js';

const OPTIONS = {
  ...NETWORK_OPTION,
  port: { type: 'string', value: 'PORT', help: "the port (default: the network's; 0 picks a free one)" },
  host: { type: 'string', default: '127.0.0.1', value: 'HOST', help: 'the address to listen on (default 127.0.0.1)' },
  ...JSON_OPTION,
} as const;

const USAGE: UsageText = {
  synopsis: 'listen [options]',
  about: `Accept inbound peers (v1 and BIP324 v2 on one port) and print each one's
handshake, then every message it sends, one line each (JSON lines with
--json), with the ping latency. Ctrl-C stops.`,
  options: OPTIONS,
};

/** The parsed `rxbtc listen` command line. */
export type ListenArgs = { kind: 'listen' } & ListenCommand;

function parse(argv: readonly string[]): ListenArgs {
  const { values, positionals } = readArgs(OPTIONS, argv);
  noMore(positionals);
  const network = networkNamed(values.network);
  const port = values.port === undefined ? network.port : parsePort(values.port, true);
  return { kind: 'listen', host: values.host, port, network, json: values.json };
}

/** `rxbtc listen`: inbound peers' handshakes and messages. */
export const command = defineCommand(USAGE, parse, async (cmd, io) => (await import('../listen-command.js')).runListen(cmd, io));
