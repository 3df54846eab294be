import { randomBytes } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import type * as Bcoin from 'bcoin';
import { hash160, hashToHex } from '../../lib/index.js';
import type { RegtestNode } from '../../demos/regtest-node.js';

process.env['NODE_BACKEND'] ??= 'js';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const bcoin = require('bcoin') as typeof Bcoin;

/** A key no wallet here owns: its P2PKH script, and what spends it (bcoin's regtest has no segwit spends at these heights). */
export interface TestKey {
  /** Its P2PKH output script. */
  script: Uint8Array;
  /** bcoin's signer. */
  ring: Bcoin.KeyRing;
}

/** A fresh key. */
export function newKey(): TestKey {
  const priv = randomBytes(32);
  const script = Uint8Array.from([0x76, 0xa9, 0x14, ...hash160(secp256k1.getPublicKey(priv, true)), 0x88, 0xac]);
  return { script, ring: bcoin.KeyRing.fromPrivate(priv, true) };
}

/** A transaction bcoin made, with its txid in display hex. */
export interface Made {
  tx: Bcoin.BcoinTX;
  txid: string;
}

/** bcoin pays `values` to `key` (outputs 0, 1, … in order) from its next matured coinbase and sends it. */
export async function fund(node: RegtestNode, key: TestKey, values: number[]): Promise<Made> {
  const tx = await node.signPayment(values.map((value) => ({ script: key.script, value })));
  await node.node.sendTX(tx);
  return { tx, txid: hashToHex(new Uint8Array(tx.hash())) };
}

/** Spend outputs of `from` (in the order given: the inputs' order) to a stranger's script, signed with `key`; sent to bcoin. */
export async function spend(node: RegtestNode, key: TestKey, from: Made, vouts: number[]): Promise<Made> {
  const mtx = new bcoin.MTX();
  let total = 0;
  for (const vout of vouts) {
    const coin = bcoin.Coin.fromTX(from.tx, vout, -1);
    mtx.addCoin(coin);
    total += coin.value;
  }
  mtx.addOutput(bcoin.Script.fromRaw(Buffer.from([0x00, 0x14, ...randomBytes(20)])), total - 10_000);
  if (mtx.sign(key.ring) !== vouts.length) throw new Error('bcoin did not sign every input');
  const tx = mtx.toTX();
  await node.node.sendTX(tx);
  return { tx, txid: hashToHex(new Uint8Array(tx.hash())) };
}
