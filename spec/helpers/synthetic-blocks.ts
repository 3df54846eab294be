import { blockHash, merkleRoot, sha256dKey, txid, type Block, type BlockHeader, type Transaction } from '../../lib/index.js';

/** Regtest's fixed target. */
export const REGTEST_BITS = 0x207fffff;
/** An output the synthetic coinbases pay when they pay nobody in particular (OP_TRUE). */
const ANYONE = Uint8Array.of(0x51);

/** A payment in a synthetic block: its coinbase pays `value` to `script`. */
export interface Payment {
  script: Uint8Array;
  value: bigint;
}

/**
 * A regtest block on `prev` at `height`, its coinbase paying `pays` (or
 * OP_TRUE) and followed by `txs` (none by default), mined for real against
 * regtest's target (about two tries). `salt` makes a different block at the
 * same place (another branch).
 */
export function syntheticBlock(
  prev: Uint8Array,
  height: number,
  time: number,
  pays: readonly Payment[] = [],
  salt = 0,
  txs: readonly Transaction[] = [],
): Block {
  const coinbase: Transaction = {
    version: 1,
    inputs: [
      {
        txid: new Uint8Array(32),
        vout: 0xffffffff,
        script: Uint8Array.of(4, height & 0xff, (height >> 8) & 0xff, (height >> 16) & 0xff, height >>> 24, 1, salt & 0xff),
        sequence: 0xffffffff,
        witness: [],
      },
    ],
    outputs: pays.length > 0 ? pays.map((p) => ({ value: p.value, script: p.script })) : [{ value: 5_000_000_000n, script: ANYONE }],
    lockTime: 0,
  };
  const header: BlockHeader = {
    version: 0x20000000,
    prevBlock: prev,
    merkleRoot: txs.length === 0 ? txid(coinbase) : merkleRoot([coinbase, ...txs].map((t) => txid(t))),
    timestamp: time,
    bits: REGTEST_BITS,
    nonce: 0,
  };
  const raw = new Uint8Array(80);
  const view = new DataView(raw.buffer);
  view.setInt32(0, header.version, true);
  raw.set(prev, 4);
  raw.set(header.merkleRoot, 36);
  view.setUint32(68, time, true);
  view.setUint32(72, REGTEST_BITS, true);
  for (let nonce = 0; ; nonce++) {
    view.setUint32(76, nonce, true);
    if (sha256dKey(raw).charCodeAt(31) < 0x7f) return { header: { ...header, nonce }, transactions: [coinbase, ...txs] };
  }
}

/**
 * `n` synthetic blocks on `after` (a block, or genesis when undefined), one
 * minute apart; `pays(height)` says what each one's coinbase pays, `txs(height)`
 * what each holds after it.
 */
export function syntheticBlocks(
  after: { block: Block; height: number } | { hash: Uint8Array; height: number; time: number },
  n: number,
  pays: (height: number) => readonly Payment[] = () => [],
  salt = 0,
  txs: (height: number) => readonly Transaction[] = () => [],
): Block[] {
  let prev = 'block' in after ? blockHash(after.block.header) : after.hash;
  let time = 'block' in after ? after.block.header.timestamp : after.time;
  const out: Block[] = [];
  for (let i = 1; i <= n; i++) {
    time += 60;
    const b = syntheticBlock(prev, after.height + i, time, pays(after.height + i), salt, txs(after.height + i));
    out.push(b);
    prev = blockHash(b.header);
  }
  return out;
}
