import type { Transaction, TxOutput } from '../../lib/index.js';
import { HEAVY_OUTPUTS, SEED, isHeavy } from './chain-layout.js';
import { KeyStream } from './keystream.js';
import { randomScript } from './output-scripts.js';

const OP_TRUE = Uint8Array.of(0x51);
/** Sats each wallet payment is worth. */
export const PAYMENT_VALUE = 250_000n;

/** A coinbase stating its height (BIP34) and paying `outputs`; a `tag` other than 0 makes a competing block's coinbase differ. */
export function coinbase(height: number, outputs: TxOutput[], tag = 0): Transaction {
  const bip34 = [4, height & 0xff, (height >> 8) & 0xff, (height >> 16) & 0xff, height >>> 24];
  const script = Uint8Array.from(tag === 0 ? bip34 : [...bip34, 1, tag & 0xff]);
  return {
    version: 2,
    inputs: [{ txid: new Uint8Array(32), vout: 0xffffffff, script, sequence: 0xffffffff, witness: [] }],
    outputs,
    lockTime: 0,
  };
}

/** A transaction spending one made-up outpoint (a P2PKH-sized scriptSig) into `outputs`. */
function spend(ks: KeyStream, outputs: TxOutput[]): Transaction {
  return {
    version: 2,
    inputs: [{ txid: ks.bytes(32), vout: ks.below(4), script: ks.bytes(107), sequence: 0xfffffffd, witness: [] }],
    outputs,
    lockTime: 0,
  };
}

/**
 * The transactions of the block at `height`, derived from the height and
 * the seed alone. A light block is a coinbase paying OP_TRUE. A heavy one
 * is a coinbase and 3–8 transactions sharing 6,000–9,400 outputs of mixed
 * script types; the first of them also pays `paid` (the wallets' scripts
 * paid at this height, if any).
 */
export function blockTransactions(height: number, paid: readonly Uint8Array[] = []): Transaction[] {
  const payments = paid.map((script) => ({ value: PAYMENT_VALUE, script }));
  if (!isHeavy(height)) return [coinbase(height, [{ value: 5_000_000_000n, script: OP_TRUE }, ...payments])];
  const ks = new KeyStream(SEED, height);
  const count = HEAVY_OUTPUTS.min + ks.below(HEAVY_OUTPUTS.max - HEAVY_OUTPUTS.min);
  const txCount = 3 + ks.below(6);
  const txs = [coinbase(height, [{ value: 312_500_000n, script: randomScript(ks) }])];
  for (let t = 0; t < txCount; t++) {
    const outputs: TxOutput[] = t === 0 ? payments : [];
    const share = Math.floor(count / txCount) + (t < count % txCount ? 1 : 0);
    for (let o = 0; o < share; o++) outputs.push({ value: BigInt(546 + ks.below(10_000_000)), script: randomScript(ks) });
    txs.push(spend(ks, outputs));
  }
  return txs;
}
