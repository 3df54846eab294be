import { parseChainPeers, parseMethod } from '../arg-values.js';
import { defineCommand, type UsageText } from '../command.js';
import { CHECKPOINT_OPTION, DATADIR_OPTION, JSON_OPTION, NETWORK_OPTION, POOL_ABOUT, POOL_OPTIONS } from '../common-options.js';
import { readArgs } from '../option-table.js';
import { withStoreErrors } from '../store-failure.js';
import { UsageError } from '../usage-error.js';
import type { WatchCommand } from '../watch-command.js';

const OPTIONS = {
  ...NETWORK_OPTION,
  address: { type: 'string', multiple: true, default: [] as string[], value: 'ADDR', help: 'an address to watch (repeatable)' },
  script: { type: 'string', multiple: true, default: [] as string[], value: 'HEX', help: 'an output script to watch (repeatable)' },
  descriptor: {
    type: 'string',
    multiple: true,
    default: [] as string[],
    value: 'D',
    help: 'an output descriptor to watch, e.g. wpkh(tpub…/<0;1>/*) (repeatable;\nchecksum optional)',
  },
  'gap-limit': { type: 'string', value: 'N', help: 'addresses derived past the last one paid (default 20)' },
  method: { type: 'string', default: 'auto', value: 'M', help: 'bip158, bip37 or auto (default auto)' },
  from: {
    type: 'string',
    value: 'HEIGHT',
    help: 'rescan from this height (default 0; with --datadir, only for a new wallet\nor new addresses); on mainnet, testnet4 and signet the chain starts at the\nbuilt-in checkpoint at or below it',
  },
  ...CHECKPOINT_OPTION,
  once: {
    type: 'boolean',
    default: false,
    help: "exit once every block up to the peers' height is checked (a recovery),\nwaiting for peers that went away",
  },
  ...DATADIR_OPTION,
  ...POOL_OPTIONS,
  ...JSON_OPTION,
} as const;

const USAGE: UsageText = {
  synopsis: 'watch [HOST[:PORT]...] (--address ADDR | --script HEX | --descriptor D)... [options]',
  about: `Follow the chain and print one line per change to a transaction paying (or
spending from) the addresses, scripts and descriptors: mempool, confirmed
(with a verified proof), reorged. auto uses BIP158 compact filters when a
peer offers them, else BIP37 bloom filters; --from rescans from a height (a
wallet's birthday). --checkpoint HEIGHT:HASH starts the header chain at a
block you trust on any network, regtest included.

With --datadir it keeps the chain, the filter headers and the wallet there
(DIR/NETWORK-headers.dat, -filter-headers.dat, -wallet/): a later run goes
on where it stopped (no --from, no --address needed; nothing told twice, bar
the last one after a kill -9, a block reorganised away meanwhile reported).
Without it, on exit it says how far every block was checked and the --from
to go on with. A descriptor's keychains are derived --gap-limit addresses
past the last one paid, more as payments are found; tx lines say the
keychain and index, and a "balance" line follows every change of the
balance once caught up.

${POOL_ABOUT}`,
  options: OPTIONS,
};

/** The parsed `rxbtc watch` command line. */
export type WatchArgs = { kind: 'watch' } & WatchCommand;

/** `--gap-limit`: 1 to 10,000, or undefined when absent. */
function gapLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(Number.isSafeInteger(n) && n >= 1 && n <= 10_000)) throw new UsageError(`--gap-limit takes a number from 1 to 10000: ${text}`);
  return n;
}

/** `--from`: a height, or undefined when absent. */
function fromHeight(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--from takes a height: ${text}`);
  return n;
}

function parse(argv: readonly string[]): WatchArgs {
  const { values, positionals } = readArgs(OPTIONS, argv);
  if (values.address.length + values.script.length + values.descriptor.length === 0 && values.datadir === undefined)
    throw new UsageError('watch needs --address, --script or --descriptor (or a --datadir that holds a wallet)');
  for (const s of values.script) if (!/^([0-9a-f]{2})+$/i.test(s)) throw new UsageError(`--script takes hex: ${s}`);
  const common = parseChainPeers('watch', values, positionals);
  return {
    kind: 'watch',
    ...common,
    addresses: values.address,
    scripts: values.script,
    method: parseMethod(values.method),
    from: fromHeight(values.from),
    once: values.once,
    descriptors: values.descriptor,
    gapLimit: gapLimit(values['gap-limit']),
  };
}

/** `rxbtc watch`: a wallet's transactions through a pool, with proofs. */
export const command = defineCommand(USAGE, parse, (cmd, io) =>
  withStoreErrors(io, async () => (await import('../watch-command.js')).runWatch(cmd, io)),
);
