import { networkNamed, parseHostPort } from '../arg-values.js';
import { defineCommand, type UsageText } from '../command.js';
import { JSON_OPTION, NETWORK_OPTION, POOL_ABOUT } from '../common-options.js';
import { readArgs } from '../option-table.js';
import type { SendCommand } from '../send-command.js';
import { UsageError } from '../usage-error.js';

const OPTIONS = {
  timeout: { type: 'string', value: 'S', help: 'seconds to wait for peers to fetch the transaction (default 30)' },
  ...NETWORK_OPTION,
  ...JSON_OPTION,
} as const;

const USAGE: UsageText = {
  synopsis: 'send TXHEX HOST[:PORT]... [options]',
  about: `Check that TXHEX is exactly one signed transaction with inputs and outputs
(else exit 2, nothing sent), announce it to the peers once they have answered
(at most 5 s) and serve it to those that ask: a "sent" line, one "requested"
line per peer that fetched it. Exits 1 when none did within --timeout
seconds or before Ctrl-C.

${POOL_ABOUT}`,
  options: OPTIONS,
};

/** The parsed `rxbtc send` command line. */
export type SendArgs = { kind: 'send' } & SendCommand;

function parse(argv: readonly string[]): SendArgs {
  const { values, positionals } = readArgs(OPTIONS, argv);
  const [hex, ...hosts] = positionals;
  if (hex === undefined) throw new UsageError('send needs TXHEX and at least one HOST[:PORT]');
  if (hosts.length === 0) throw new UsageError('send needs at least one HOST[:PORT] after TXHEX');
  const timeout = values.timeout === undefined ? 30 : Number(values.timeout);
  if (!(timeout > 0 && timeout <= 3600)) throw new UsageError(`--timeout takes seconds from 1 to 3600: ${values.timeout}`);
  const network = networkNamed(values.network);
  return {
    kind: 'send',
    hex,
    peers: hosts.map((t) => parseHostPort(t, network.port)),
    timeoutMs: timeout * 1000,
    network,
    json: values.json,
  };
}

/** `rxbtc send`: broadcast a signed transaction. */
export const command = defineCommand(USAGE, parse, async (cmd, io) => (await import('../send-command.js')).runSend(cmd, io));
