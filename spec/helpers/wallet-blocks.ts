import { blockHash, hashToHex, txid, type Block } from '../../lib/index.js';
import type { FinalPlace } from './tx-history.js';

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/**
 * The transactions of `blocks` (a chain, genesis first) that touch the wallet
 * watching `script`: those paying it, and those spending what it received
 * before them; txid → the block holding each.
 */
export function walletTxsIn(blocks: readonly Block[], script: Uint8Array): Map<string, FinalPlace> {
  const out = new Map<string, FinalPlace>();
  const owned = new Set<string>();
  blocks.forEach((b, height) => {
    const hash = hashToHex(blockHash(b.header));
    for (const tx of b.transactions) {
      const id = hashToHex(txid(tx));
      const spends = tx.inputs.some((i) => owned.has(`${hashToHex(i.txid)}:${i.vout}`));
      const paid = tx.outputs.flatMap((o, vout) => (same(o.script, script) ? [`${id}:${vout}`] : []));
      for (const o of paid) owned.add(o);
      if (paid.length > 0 || spends) out.set(id, { height, blockHash: hash });
    }
  });
  return out;
}
