import { parseChainPeers } from '../arg-values.js';
import { defineCommand, type UsageText } from '../command.js';
import { CHECKPOINT_OPTION, DATADIR_OPTION, JSON_OPTION, NETWORK_OPTION, POOL_ABOUT, POOL_OPTIONS } from '../common-options.js';
import type { HeadersCommand } from '../headers-command.js';
import { readArgs } from '../option-table.js';
import { withStoreErrors } from '../store-failure.js';

const OPTIONS = { ...NETWORK_OPTION, ...DATADIR_OPTION, ...CHECKPOINT_OPTION, ...POOL_OPTIONS, ...JSON_OPTION } as const;

const USAGE: UsageText = {
  synopsis: 'headers [HOST[:PORT]...] [options]',
  about: `Download and verify the block headers of the peers' best chain (proof of
work, retargets, timestamps, checkpoints): the best peer first, the next when
one fails or stalls; a peer serving invalid headers is banned (a "banned"
line). Prints progress, and ends with a "synced" line. With --datadir the
chain is kept in DIR/NETWORK-headers.dat and a later run resumes from there.

${POOL_ABOUT}`,
  options: OPTIONS,
};

/** The parsed `rxbtc headers` command line. */
export type HeadersArgs = { kind: 'headers' } & HeadersCommand;

function parse(argv: readonly string[]): HeadersArgs {
  const { values, positionals } = readArgs(OPTIONS, argv);
  const common = parseChainPeers('headers', values, positionals);
  return {
    kind: 'headers',
    ...common,
  };
}

/** `rxbtc headers`: sync and verify the header chain through a pool. */
export const command = defineCommand(USAGE, parse, (cmd, io) =>
  withStoreErrors(io, async () => (await import('../headers-command.js')).runHeaders(cmd, io)),
);
