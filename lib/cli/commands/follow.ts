import { networkNamed, parseHostPort } from '../arg-values.js';
import { defineCommand, type UsageText } from '../command.js';
import { JSON_OPTION, NETWORK_OPTION, POOL_ABOUT } from '../common-options.js';
import type { FollowCommand } from '../follow-command.js';
import { readArgs } from '../option-table.js';
import { UsageError } from '../usage-error.js';

const OPTIONS = {
  'mempool-mb': { type: 'string', value: 'N', help: 'megabytes of transactions kept (default 32)' },
  ...NETWORK_OPTION,
  ...JSON_OPTION,
} as const;

const USAGE: UsageText = {
  synopsis: 'follow HOST[:PORT]... [options]',
  about: `Print every transaction the peers relay (kept in a mempool view of
--mempool-mb megabytes, oldest out first; peers that advertise NODE_BLOOM are
first asked for what they hold, BIP35) and every new block, rebuilt from that
view through BIP152 compact blocks where the peers offer them: how many
transactions came from the mempool, how many were asked for, the bytes
received. Ctrl-C stops it.

${POOL_ABOUT}`,
  options: OPTIONS,
};

/** The parsed `rxbtc follow` command line. */
export type FollowArgs = { kind: 'follow' } & FollowCommand;

/** `--mempool-mb`: 1 to 4096 MiB as bytes, or undefined when absent. */
function mempoolBytes(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const mb = Number(text);
  if (!(/^\d+$/.test(text) && mb >= 1 && mb <= 4096)) throw new UsageError(`--mempool-mb takes a number from 1 to 4096: ${text}`);
  return mb * 1024 * 1024;
}

function parse(argv: readonly string[]): FollowArgs {
  const { values, positionals } = readArgs(OPTIONS, argv);
  if (positionals.length === 0) throw new UsageError('follow needs at least one HOST[:PORT]');
  const network = networkNamed(values.network);
  return {
    kind: 'follow',
    peers: positionals.map((t) => parseHostPort(t, network.port)),
    mempoolBytes: mempoolBytes(values['mempool-mb']),
    network,
    json: values.json,
  };
}

/** `rxbtc follow`: relayed transactions and new blocks. */
export const command = defineCommand(USAGE, parse, async (cmd, io) => (await import('../follow-command.js')).runFollow(cmd, io));
