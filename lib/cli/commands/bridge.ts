import { endpointKey } from '../../pool/endpoint.js';
import { noMore, parseHostPort, parsePeers, parsePort } from '../arg-values.js';
import type { BridgeCommand } from '../bridge-command.js';
import { defineCommand, type UsageText } from '../command.js';
import { JSON_OPTION } from '../common-options.js';
import { readArgs } from '../option-table.js';
import { UsageError } from '../usage-error.js';

const OPTIONS = {
  allow: {
    type: 'string',
    multiple: true,
    default: [] as string[],
    value: 'HOST:PORT',
    help: 'a target a page may reach (repeatable; at least one)',
  },
  origin: {
    type: 'string',
    multiple: true,
    default: [] as string[],
    value: 'URL',
    help: 'only pages of this origin (repeatable; default: any)',
  },
  port: { type: 'string', value: 'PORT', help: 'the port (default 8080; 0 picks a free one)' },
  host: { type: 'string', default: '127.0.0.1', value: 'HOST', help: 'the address to listen on (default 127.0.0.1)' },
  'max-per-ip': { type: 'string', value: 'N', help: 'connections per remote address (default 4)' },
  ...JSON_OPTION,
} as const;

const USAGE: UsageText = {
  synopsis: 'bridge --allow HOST:PORT... [options]',
  about: `Relay WebSocket ↔ TCP for pages in a browser (ws://HOST:PORT/TARGET), only
to the --allow targets (it is never an open proxy), only for pages of the
--origin origins when given, at most --max-per-ip connections per address;
refusals are logged. Ctrl-C stops.`,
  options: OPTIONS,
};

/** The parsed `rxbtc bridge` command line. */
export type BridgeArgs = { kind: 'bridge' } & BridgeCommand;

function parse(argv: readonly string[]): BridgeArgs {
  const { values, positionals } = readArgs(OPTIONS, argv);
  noMore(positionals);
  if (values.allow.length === 0) throw new UsageError('bridge needs at least one --allow HOST:PORT (it is never an open proxy)');
  const allow = values.allow.map((a) => {
    const e = parseHostPort(a, 0);
    if (e.port === 0) throw new UsageError(`--allow needs HOST:PORT: ${a}`);
    return endpointKey(e);
  });
  return {
    kind: 'bridge',
    host: values.host,
    port: values.port === undefined ? 8080 : parsePort(values.port, true),
    allow,
    origins: values.origin,
    maxPerIp: parsePeers(values['max-per-ip'], '--max-per-ip'),
    json: values.json,
  };
}

/** `rxbtc bridge`: WebSocket ↔ TCP for browser pages. */
export const command = defineCommand(USAGE, parse, async (cmd, io) => (await import('../bridge-command.js')).runBridge(cmd, io));
