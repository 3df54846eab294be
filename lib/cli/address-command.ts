import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { DescriptorError } from '../wallet/descriptor-error.js';
import { parseDescriptor, type Keychain } from '../wallet/descriptor.js';
import { toHex } from '../wire/hex.js';
import type { Network } from '../wire/networks.js';
import type { CliIO } from './io.js';

/** Options of {@link runAddress}. */
export interface AddressCommand {
  /** The output descriptor. */
  descriptor: string;
  /** The derivation index, or undefined for 0 (or `--next`). */
  index: number | undefined;
  /** The first index after the last one paid in the datadir's wallet. */
  next: boolean;
  /** The change keychain rather than receive. */
  change: boolean;
  /** Network of the address. */
  network: Network;
  /** A `watch --datadir` folder (for `--next`). */
  datadir: string | undefined;
  /** A JSON line instead of the bare address. */
  json: boolean;
}

/**
 * The first index after the last one a stored wallet saw paid on this
 * keychain (0 when none). The wallet store (and node:zlib, node:fs behind
 * it) is loaded only for `--next`.
 */
async function nextIndex(dir: string, network: Network, descriptor: string, keychain: Keychain): Promise<number> {
  const folder = join(dir, `${network.name}-wallet`);
  if (!existsSync(folder)) return 0;
  const { fileWalletStore } = await import('../wallet/file-wallet-store.js');
  const store = fileWalletStore(folder);
  try {
    const wallet = store
      .load()
      .filter((r) => r.type === 'wallet')
      .at(-1);
    const line = wallet?.keychains?.find((k) => k.descriptor === descriptor && k.keychain === keychain);
    let used = line?.used ?? -1;
    // Events told after the last wallet record may name a higher index.
    for (const r of store.load()) {
      if (r.type !== 'event') continue;
      for (const x of r.event.received)
        if (x.origin?.descriptor === descriptor && x.origin.keychain === keychain) used = Math.max(used, x.origin.index);
    }
    return used + 1;
  } finally {
    void store.close();
  }
}

/**
 * `rxbtc address --descriptor D [--index I | --next] [--change]`: print one
 * address of a descriptor (the script in hex when it has no address form).
 * Resolves with the exit code.
 */
export async function runAddress(cmd: AddressCommand, io: CliIO): Promise<number> {
  let descriptor;
  try {
    descriptor = parseDescriptor(cmd.descriptor, cmd.network);
  } catch (e) {
    if (!(e instanceof DescriptorError)) throw e;
    io.err(`rxbtc: ${e.message}`);
    return 2;
  }
  const keychain: Keychain = cmd.change ? 'change' : 'receive';
  if (!descriptor.keychains.includes(keychain)) {
    io.err(`rxbtc: the descriptor has no change keychain (use a /<0;1>/* multipath descriptor)`);
    return 2;
  }
  const index = cmd.next ? await nextIndex(cmd.datadir!, cmd.network, descriptor.toString(), keychain) : (cmd.index ?? 0);
  const script = descriptor.scriptAt(keychain, index);
  const address = descriptor.addressAt(keychain, index, cmd.network);
  if (cmd.json) {
    io.out(
      JSON.stringify({
        event: 'address',
        ...(address ? { address } : {}),
        script: toHex(script),
        keychain,
        index,
        descriptor: descriptor.toString(),
      }),
    );
  } else io.out(address ?? toHex(script));
  return 0;
}
