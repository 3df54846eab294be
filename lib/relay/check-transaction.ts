import type { Transaction } from '../wire/transaction.js';
import { outpointKey } from './mempool-entry.js';

/** 21 million bitcoin, in satoshis: no output or sum of outputs may exceed it. */
export const MAX_MONEY = 2_100_000_000_000_000n;

/**
 * The context-free checks a node makes before looking at a transaction's
 * inputs (Bitcoin Core's CheckTransaction): inputs and outputs present,
 * every amount and their sum within {@link MAX_MONEY}, no outpoint spent
 * twice, no null outpoint (a coinbase's) in a relayed transaction.
 */
export function isWellFormed(tx: Transaction): boolean {
  if (tx.inputs.length === 0 || tx.outputs.length === 0) return false;
  let total = 0n;
  for (const o of tx.outputs) {
    if (o.value < 0n || o.value > MAX_MONEY) return false;
    total += o.value;
    if (total > MAX_MONEY) return false;
  }
  const spent = new Set<string>();
  for (const i of tx.inputs) {
    const k = outpointKey(i.txid, i.vout);
    if (spent.has(k) || (i.vout === 0xffffffff && i.txid.every((b) => b === 0))) return false;
    spent.add(k);
  }
  return true;
}
