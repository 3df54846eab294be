import { parseChainPeers, parseMethod } from '../arg-values.js';
import { defineCommand, type UsageText } from '../command.js';
import { CHECKPOINT_OPTION, DATADIR_OPTION, JSON_OPTION, NETWORK_OPTION, POOL_ABOUT, POOL_OPTIONS } from '../common-options.js';
import type { NotifyCommand } from '../notify-command.js';
import { readArgs } from '../option-table.js';
import { withStoreErrors } from '../store-failure.js';
import { UsageError } from '../usage-error.js';

const OPTIONS = {
  ...NETWORK_OPTION,
  tx: { type: 'string', value: 'TXID', help: 'follow this transaction to --depth confirmations' },
  outpoint: { type: 'string', value: 'TXID:VOUT', help: 'follow the spend of this output' },
  script: { type: 'string', value: 'HEX', help: 'the output script (of the transaction, or of the output spent)' },
  depth: { type: 'string', value: 'N', help: 'confirmations to wait for (default 1; of the spend with --outpoint)' },
  'height-hint': {
    type: 'string',
    value: 'H',
    help: 'search from this height on (default 0: every block; the height it was\nbroadcast at spares the rest)',
  },
  method: { type: 'string', default: 'auto', value: 'M', help: 'bip158, bip37 or auto (default auto)' },
  ...CHECKPOINT_OPTION,
  ...DATADIR_OPTION,
  ...POOL_OPTIONS,
  ...JSON_OPTION,
} as const;

const USAGE: UsageText = {
  synopsis: 'notify HOST[:PORT]... (--tx TXID | --outpoint TXID:VOUT) --script HEX [options]',
  about: `Follow one transaction to --depth confirmations ("confirmation" lines,
1 to N, with the block), or the spend of one output ("spent" lines with the
spending transaction and input: first from the mempool when a peer announces
it, then with its block), "reorged" when a block that held it leaves the
best chain (it is then counted again), and "done" once it is deep enough:
the exit status is then 0. Blocks from --height-hint on are searched
(BIP158 compact filters when the peers offer them, else BIP37), so a transaction confirmed
before the command started is found.

With --datadir it keeps the chain, the filter headers and the registration
there: a later run with the same --tx/--outpoint goes on where it stopped,
printing nothing it printed before (bar the last line after a kill -9).

${POOL_ABOUT}`,
  options: OPTIONS,
};

/** The parsed `rxbtc notify` command line. */
export type NotifyArgs = { kind: 'notify' } & NotifyCommand;

/** A whole number option, at least `min`, or undefined when absent. */
function count(text: string | undefined, option: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min)
    throw new UsageError(`${option} takes a whole number of at least ${min}: ${text}`);
  return n;
}

function parse(argv: readonly string[]): NotifyArgs {
  const { values, positionals } = readArgs(OPTIONS, argv);
  if ((values.tx === undefined) === (values.outpoint === undefined))
    throw new UsageError('notify needs one of --tx TXID or --outpoint TXID:VOUT');
  if (values.tx !== undefined && !/^[0-9a-fA-F]{64}$/.test(values.tx))
    throw new UsageError(`--tx takes a txid (64 hex digits): ${values.tx}`);
  if (values.outpoint !== undefined && !/^[0-9a-fA-F]{64}:\d{1,10}$/.test(values.outpoint))
    throw new UsageError(`--outpoint takes TXID:VOUT: ${values.outpoint}`);
  if (values.script === undefined) throw new UsageError('notify needs --script HEX (what the filters are matched against)');
  if (!/^([0-9a-f]{2})+$/i.test(values.script)) throw new UsageError(`--script takes hex: ${values.script}`);
  const common = parseChainPeers('notify', values, positionals);
  return {
    kind: 'notify',
    ...common,
    watch: values.tx !== undefined ? { tx: values.tx.toLowerCase() } : { outpoint: values.outpoint!.toLowerCase() },
    script: values.script.toLowerCase(),
    depth: count(values.depth, '--depth', 1) ?? 1,
    heightHint: count(values['height-hint'], '--height-hint', 0) ?? 0,
    method: parseMethod(values.method),
  };
}

/** `rxbtc notify`: one transaction's confirmations or one output's spend, through a pool. */
export const command = defineCommand(USAGE, parse, (cmd, io) =>
  withStoreErrors(io, async () => (await import('../notify-command.js')).runNotify(cmd, io)),
);
