import type { AddressCommand } from '../address-command.js';
import { networkNamed, noMore } from '../arg-values.js';
import { defineCommand, type UsageText } from '../command.js';
import { DATADIR_OPTION, JSON_OPTION, NETWORK_OPTION } from '../common-options.js';
import { readArgs } from '../option-table.js';
import { withStoreErrors } from '../store-failure.js';
import { UsageError } from '../usage-error.js';

const OPTIONS = {
  descriptor: { type: 'string', multiple: true, default: [] as string[], value: 'D', help: 'the output descriptor (checksum optional)' },
  index: { type: 'string', value: 'I', help: 'the derivation index (default 0)' },
  next: { type: 'boolean', default: false, help: 'the first index after the last one paid (needs the --datadir of a watch)' },
  change: { type: 'boolean', default: false, help: 'the change keychain of a <0;1> descriptor' },
  ...NETWORK_OPTION,
  ...DATADIR_OPTION,
  ...JSON_OPTION,
} as const;

const USAGE: UsageText = {
  synopsis: 'address --descriptor D [--index I | --next] [options]',
  about: `Print one address of an output descriptor (its script in hex when it has no
address form): at --index (default 0), or with --next the first one after
the last paid in the --datadir wallet of a watch; --change for the change
keychain. A wrong checksum is refused with the position of the typo;
private keys (WIF, xprv) are refused: rxbtc is watch-only.`,
  options: OPTIONS,
};

/** The parsed `rxbtc address` command line. */
export type AddressArgs = { kind: 'address' } & AddressCommand;

/** `--index`: 0 to 2^31 - 1, or undefined when absent. */
function index(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(/^\d+$/.test(text) && n < 0x8000_0000)) throw new UsageError(`--index takes a number from 0 to 2147483647: ${text}`);
  return n;
}

function parse(argv: readonly string[]): AddressArgs {
  const { values, positionals } = readArgs(OPTIONS, argv);
  noMore(positionals);
  const [descriptor, ...more] = values.descriptor;
  if (descriptor === undefined || more.length > 0) throw new UsageError('address needs one --descriptor');
  if (values.next && values.index !== undefined) throw new UsageError('--index and --next exclude each other');
  if (values.next && values.datadir === undefined) throw new UsageError('--next needs the --datadir of a watch of this descriptor');
  return {
    kind: 'address',
    descriptor,
    index: index(values.index),
    next: values.next,
    change: values.change,
    network: networkNamed(values.network),
    datadir: values.datadir,
    json: values.json,
  };
}

/** `rxbtc address`: one address of a descriptor. */
export const command = defineCommand(USAGE, parse, (cmd, io) =>
  withStoreErrors(io, async () => (await import('../address-command.js')).runAddress(cmd, io)),
);
