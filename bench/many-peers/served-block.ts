import { bytesEqual, merkleRoot, txid, type Block, type HeaderChain } from '../../lib/index.js';
import { blockTransactions } from './block-transactions.js';
import { paidScripts } from './payments.js';

const paid = paidScripts();

/**
 * The block at `height`, built in full from the seed (only blocks a wallet
 * matches are ever asked for).
 * @throws Error when the rebuilt transactions do not match the cached header's merkle root (a stale cache)
 */
export function servedBlock(chain: HeaderChain, height: number): Block {
  const header = chain.header(height)!.header;
  const transactions = blockTransactions(height, paid.get(height));
  if (!bytesEqual(merkleRoot(transactions.map(txid)), header.merkleRoot))
    throw new Error(`block ${height} rebuilt does not match the cached header: remove .bench-cache/many-peers-*`);
  return { header, transactions };
}
