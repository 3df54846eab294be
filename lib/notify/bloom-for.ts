import { BloomFilter } from '../spv/bloom-filter.js';
import { scriptPushes } from '../spv/script-pushes.js';
import { hashFromHex } from '../wire/hex.js';
import { BloomFlag, type FilterLoadMessage } from '../wire/messages/bloom.js';
import type { Watcher } from './watcher.js';

/** The bytes a BIP37 filter matches an input by: the outpoint it spends (txid in wire order, vout little-endian). */
function outpointBytes(text: string): Uint8Array {
  const [txid, vout] = text.split(':');
  const out = new Uint8Array(36);
  out.set(hashFromHex(txid!), 0);
  new DataView(out.buffer).setUint32(32, Number(vout), true);
  return out;
}

/**
 * A `filterload` for the registrations: each one's script and its data
 * pushes (outputs paying it), the transaction ids looked for, and the
 * outpoints whose spends are looked for (BIP37 matches an input by the
 * outpoint it spends). No automatic updates: everything to match is in it.
 */
export function bloomFor(watchers: readonly Watcher[]): FilterLoadMessage {
  const items: Uint8Array[] = [];
  for (const w of watchers) {
    items.push(w.script, ...scriptPushes(w.script));
    for (const id of w.txids) items.push(hashFromHex(id));
    for (const op of w.outpoints) items.push(outpointBytes(op));
  }
  const filter = new BloomFilter(Math.max(1, items.length), 0.0001, (Math.random() * 0x1_0000_0000) >>> 0, BloomFlag.None);
  for (const item of items) filter.insert(item);
  return filter.toMessage();
}
