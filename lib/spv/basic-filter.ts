import { blockHash } from '../wire/block-header.js';
import { sha256d } from '../wire/hash.js';
import type { Block } from '../wire/messages/block.js';
import { GcsFilter } from './gcs-filter.js';

/** OP_RETURN: outputs starting with it are left out of basic filters. */
const OP_RETURN = 0x6a;

/**
 * The items of a block's BIP158 basic filter: every output script except
 * empty and OP_RETURN ones, and the script each input spends (the coinbase
 * spends nothing; empty scripts are left out).
 * @param block - the block
 * @param prevoutScripts - the scripts the block's inputs spend, in input order, coinbase excluded
 */
export function basicFilterItems(block: Block, prevoutScripts: readonly Uint8Array[]): Uint8Array[] {
  const items: Uint8Array[] = [];
  for (const tx of block.transactions) {
    for (const o of tx.outputs) if (o.script.length > 0 && o.script[0] !== OP_RETURN) items.push(o.script);
  }
  for (const s of prevoutScripts) if (s.length > 0) items.push(s);
  return items;
}

/**
 * A block's BIP158 basic filter (P = 19, M = 784931, keyed by the block hash).
 * @param block - the block
 * @param prevoutScripts - the scripts its inputs spend, coinbase excluded (a UTXO set or undo data has them)
 * @example
 * ```ts
 * import { basicFilter } from 'rxbtc';
 * const filter = basicFilter(block, spentScripts);
 * filter.matchAny(myScripts);
 * ```
 */
export function basicFilter(block: Block, prevoutScripts: readonly Uint8Array[]): GcsFilter {
  return GcsFilter.build(basicFilterItems(block, prevoutScripts), blockHash(block.header));
}

/** A filter's hash: double SHA-256 of its serialization (BIP157). */
export function filterHash(encoded: Uint8Array): Uint8Array {
  return sha256d(encoded);
}

/**
 * The filter header committing to a filter and, through `prevHeader`, to
 * every filter before it: hash256(filter hash ‖ previous header) (BIP157).
 * The genesis block's previous header is 32 zero bytes.
 */
export function filterHeader(encoded: Uint8Array, prevHeader: Uint8Array): Uint8Array {
  return filterHeaderFromHash(filterHash(encoded), prevHeader);
}

/** The filter header from a filter hash, as `cfheaders` carries them. */
export function filterHeaderFromHash(hash: Uint8Array, prevHeader: Uint8Array): Uint8Array {
  const both = new Uint8Array(64);
  both.set(hash);
  both.set(prevHeader, 32);
  return sha256d(both);
}
