import { blockHash, decodeBits, hashMeetsTarget, type BlockHeader } from '../../lib/index.js';

/** A header's hash, wire order. */
export const headerHash = (h: BlockHeader): Uint8Array => blockHash(h);

/**
 * Mine a header on `prev` that really meets the target of `bits` (test
 * networks use easy targets, so this takes a handful of tries).
 */
export function mine(prev: Uint8Array, fields: { time: number; bits: number; version?: number; salt?: number }): BlockHeader {
  const target = decodeBits(fields.bits).target;
  const merkleRoot = new Uint8Array(32);
  new DataView(merkleRoot.buffer).setUint32(0, fields.salt ?? 0, true); // different salts make different branches
  for (let nonce = 0; ; nonce++) {
    const h: BlockHeader = {
      version: fields.version ?? 0x20000000,
      prevBlock: prev,
      merkleRoot,
      timestamp: fields.time,
      bits: fields.bits,
      nonce,
    };
    if (hashMeetsTarget(headerHash(h), target)) return h;
  }
}

/** Mine `n` headers on `prev`, `spacing` seconds apart from `time`. */
export function mineChain(
  prev: Uint8Array,
  n: number,
  opts: { time: number; bits: number; spacing?: number; salt?: number },
): BlockHeader[] {
  const out: BlockHeader[] = [];
  let hash = prev;
  for (let i = 0; i < n; i++) {
    const h = mine(hash, { time: opts.time + (i + 1) * (opts.spacing ?? 600), bits: opts.bits, salt: opts.salt ?? 0 });
    out.push(h);
    hash = headerHash(h);
  }
  return out;
}
