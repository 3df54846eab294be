import type { BcoinTX } from 'bcoin';
import { hash160 } from '../lib/wallet/descriptor-scripts.js';
import { hashToHex } from '../lib/wire/hex.js';
import type { RegtestNode } from './regtest-node.js';

declare module 'bcoin' {
  interface KeyRing {
    /** The compressed public key. */
    readonly publicKey: Buffer;
    /** The redeem script a P2SH input is signed with. */
    script: Script | null;
  }
}

/** A channel-like output: two keys, both needed to spend it (a 2-of-2 multisig behind P2SH), as a Lightning funding output is. */
export interface TwoOfTwo {
  /** The output script (P2SH of `OP_2 <A> <B> OP_2 OP_CHECKMULTISIG`). */
  readonly script: Uint8Array;
  /** The node funds it from its next matured coinbase and broadcasts the funding transaction: its txid (display hex) and output index. */
  open(value: number): Promise<{ txid: string; vout: number }>;
  /** Both keys sign a transaction that spends it to `outputs` (a cooperative close) and the node broadcasts it: its txid. */
  close(outputs: readonly { script: Uint8Array; value: number }[]): Promise<{ txid: string }>;
}

/**
 * A 2-of-2 output on a bcoin regtest node, for the notifier notebook:
 * bcoin makes the keys, the funding and the closing transactions; the
 * notifier watches them as it would a stranger's.
 */
export async function twoOfTwo(node: RegtestNode): Promise<TwoOfTwo> {
  const loaded: unknown = await import('bcoin');
  type Bcoin = typeof import('bcoin');
  const bcoin = ((loaded as { default?: Bcoin }).default ?? loaded) as Bcoin;
  const alice = bcoin.KeyRing.generate();
  const bob = bcoin.KeyRing.generate();
  // OP_2 <A> <B> OP_2 OP_CHECKMULTISIG, behind OP_HASH160 <hash160(redeem)> OP_EQUAL.
  const redeemBytes = Uint8Array.from([0x52, 0x21, ...alice.publicKey, 0x21, ...bob.publicKey, 0x52, 0xae]);
  const script = Uint8Array.from([0xa9, 0x14, ...hash160(redeemBytes), 0x87]);
  const redeem = bcoin.Script.fromRaw(Buffer.from(redeemBytes));
  let funding: BcoinTX | undefined;
  return {
    script,
    async open(value) {
      funding = await node.signPayment([{ script, value }]);
      await node.node.sendTX(funding);
      return { txid: hashToHex(new Uint8Array(funding.hash())), vout: 0 };
    },
    async close(outputs) {
      if (!funding) throw new Error('open the channel first');
      const mtx = new bcoin.MTX();
      mtx.addCoin(bcoin.Coin.fromTX(funding, 0, -1));
      for (const o of outputs) mtx.addOutput(bcoin.Script.fromRaw(Buffer.from(o.script)), o.value);
      alice.script = redeem;
      bob.script = redeem;
      if (mtx.sign(alice) !== 1 || mtx.sign(bob) !== 1) throw new Error('a key did not sign');
      const tx = mtx.toTX();
      await node.node.sendTX(tx);
      return { txid: hashToHex(new Uint8Array(tx.hash())) };
    },
  };
}
