import { sha256d } from '../wire/hash.js';
import { merkleRoot } from '../wire/merkle.js';
import type { Block } from '../wire/messages/block.js';
import { hasWitness, txid, wtxid } from '../wire/transaction.js';

/** Why a block's transactions do not belong to its header. */
export type BlockCheckFailure = 'empty' | 'duplicate' | 'merkle-root' | 'witness-commitment';

/** The witness commitment's output script starts with these bytes (BIP141: OP_RETURN, push 36, 0xaa21a9ed). */
const COMMITMENT_PREFIX = Uint8Array.of(0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed);

const equal = (a: Uint8Array, b: Uint8Array, offset = 0): boolean => {
  for (let i = 0; i < b.length; i++) if (a[offset + i] !== b[i]) return false;
  return true;
};

/** The last coinbase output carrying a witness commitment: the 32 committed bytes, if any (BIP141). */
function commitmentOf(block: Block): Uint8Array | undefined {
  const outputs = block.transactions[0]!.outputs;
  for (let i = outputs.length - 1; i >= 0; i--) {
    const s = outputs[i]!.script;
    if (s.length >= 38 && equal(s, COMMITMENT_PREFIX)) return s.subarray(6, 38);
  }
  return undefined;
}

/**
 * Whether a block's transactions are the ones its header commits to, as a
 * node checks a block rebuilt from a compact block before using it: the
 * merkle root of the txids (and no transaction twice: CVE-2012-2459's
 * duplicated tail gives the same root), and, when the coinbase holds a
 * witness commitment, the witness merkle root with the coinbase's reserved
 * value (BIP141); without a commitment no transaction may carry a witness.
 * Proof of work and consensus rules are the header chain's and a full
 * node's business, not this check's.
 * @returns undefined when they match, else what failed
 */
export function checkBlockTransactions(block: Block): BlockCheckFailure | undefined {
  const txs = block.transactions;
  if (txs.length === 0) return 'empty';
  const ids = txs.map((tx) => txid(tx));
  const seen = new Set<string>();
  for (const id of ids) {
    const k = String.fromCharCode(...id);
    if (seen.has(k)) return 'duplicate';
    seen.add(k);
  }
  if (!equal(merkleRoot(ids), block.header.merkleRoot)) return 'merkle-root';
  const commitment = commitmentOf(block);
  if (!commitment) return txs.some(hasWitness) ? 'witness-commitment' : undefined;
  const reserved = txs[0]!.inputs[0]?.witness[0];
  if (reserved?.length !== 32) return 'witness-commitment';
  const root = merkleRoot([new Uint8Array(32), ...txs.slice(1).map((tx) => wtxid(tx))]);
  const data = new Uint8Array(64);
  data.set(root, 0);
  data.set(reserved, 32);
  return equal(sha256d(data), commitment) ? undefined : 'witness-commitment';
}
