import { sipKey, siphash24Into, type SipKey } from '../spv/siphash.js';
import { encodeBlockHeader, type BlockHeader } from '../wire/block-header.js';
import { sha256 } from '../wire/hash.js';
import type { Block } from '../wire/messages/block.js';
import type { CmpctBlockMessage } from '../wire/messages/compact-blocks.js';
import { wtxid } from '../wire/transaction.js';

/**
 * The SipHash key of a compact block's short ids (BIP152): the first 16
 * bytes of SHA-256(header ‖ nonce as 8 little-endian bytes).
 */
export function shortIdKey(header: BlockHeader, nonce: bigint): SipKey {
  const data = new Uint8Array(88);
  data.set(encodeBlockHeader(header), 0);
  new DataView(data.buffer).setBigUint64(80, BigInt.asUintN(64, nonce), true);
  return sipKey(sha256(data));
}

/** Reused output of the hash: short ids are computed for a whole mempool per block. */
const out = new Uint32Array(2);

/**
 * A transaction's 6-byte short id (BIP152 version 2: of its wtxid): the low
 * 48 bits of SipHash-2-4 under the block's key, as a number.
 */
export function shortTxId(key: SipKey, wtxidBytes: Uint8Array): number {
  siphash24Into(key, wtxidBytes, out);
  return (out[0]! & 0xffff) * 0x1_0000_0000 + out[1]!;
}

/**
 * The `cmpctblock` (version 2) announcing `block`: its header, the nonce,
 * the coinbase prefilled and every other transaction as a short id of its
 * wtxid, as BIP152's senders do.
 */
export function toCompactBlock(block: Block, nonce: bigint): CmpctBlockMessage {
  const key = shortIdKey(block.header, nonce);
  const [coinbase, ...rest] = block.transactions;
  if (!coinbase) throw new RangeError('a block without transactions');
  return {
    command: 'cmpctblock',
    header: block.header,
    nonce,
    shortIds: rest.map((tx) => shortTxId(key, wtxid(tx))),
    prefilled: [{ index: 0, tx: coinbase }],
  };
}
