import { networks, parseDescriptor } from '../../lib/index.js';
import { DESCRIPTOR_INDICES, WALLET_DESCRIPTOR, WALLET_SIZE, walletScripts } from '../recovery/wallet-chain.js';
import { EARLY_PAYMENT, PAYMENT_HEIGHTS } from './chain-layout.js';

/**
 * The scripts paid at each paid height: one output to the 100-script wallet
 * (the recovery bench's) and one to the HD wallet (its `wpkh` descriptor, at
 * receive indices in an order where two lie beyond the gap limit when
 * their blocks are scanned), so one chain serves both wallets.
 */
export function paidScripts(): ReadonlyMap<number, readonly Uint8Array[]> {
  const scripts = walletScripts();
  const hd = parseDescriptor(WALLET_DESCRIPTOR, networks.regtest);
  return new Map<number, readonly Uint8Array[]>([
    [EARLY_PAYMENT, [scripts[0]!, hd.scriptAt('receive', 0)]],
    ...PAYMENT_HEIGHTS.map((h, k): [number, Uint8Array[]] => [
      h,
      [scripts[(k * 7 + 3) % WALLET_SIZE]!, hd.scriptAt('receive', DESCRIPTOR_INDICES[k])],
    ]),
  ]);
}
