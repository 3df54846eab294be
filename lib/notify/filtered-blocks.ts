import { Observable, Subscription } from 'rxjs';
import type { ChainEntry } from '../chain/chain-entry.js';
import type { HeaderChain } from '../chain/header-chain.js';
import type { Peer } from '../peer/peer-api.js';
import { MerkleProofError } from '../spv/merkle-proof.js';
import { peerMerkleBlock } from '../spv/peer-merkle-block.js';
import { hashToHex } from '../wire/hex.js';
import { InvType } from '../wire/messages/inv.js';
import { txid as txidOf, type Transaction } from '../wire/transaction.js';

/** A block as a BIP37 peer proves it: the transactions the filter matched, each with its place. */
export interface FilteredBlock {
  /** The block's entry in the chain. */
  entry: ChainEntry;
  /** Transactions in the block. */
  total: number;
  /** The matched transactions (in block order) and their positions. */
  matched: { tx: Transaction; index: number }[];
}

/** Why a peer's filtered blocks were refused, or the request could not end. */
export class FilteredBlockError extends Error {
  static override readonly name = 'FilteredBlockError';
  /** @param message - what happened */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FilteredBlockError';
  }
}

/**
 * Ask a peer with a loaded bloom filter for the blocks `entries` (one
 * `getdata` of filtered witness blocks, then a `ping`): each `merkleblock`
 * is verified against the chain (partial merkle tree, root, a block of the
 * best chain) and emitted with the matched transactions that follow it; the
 * `pong` ends it (a peer answers in order). A proof that fails disconnects
 * the peer and errors with the {@link MerkleProofError}; a peer that leaves
 * errors with a {@link FilteredBlockError}.
 */
export function filteredBlocks(peer: Peer, chain: HeaderChain, entries: readonly ChainEntry[]): Observable<FilteredBlock> {
  return new Observable<FilteredBlock>((subscriber) => {
    const subs = new Subscription();
    const nonce = BigInt(Math.floor(Math.random() * 2 ** 52));
    let current: { entry: ChainEntry; total: number; waiting: Map<string, number>; got: Map<string, Transaction> } | undefined;
    const flush = (): void => {
      const c = current;
      if (!c) return;
      current = undefined;
      const matched = [...c.waiting].flatMap(([id, index]) => {
        const tx = c.got.get(id);
        return tx ? [{ tx, index }] : [];
      });
      subscriber.next({ entry: c.entry, total: c.total, matched });
    };
    subs.add(
      peer.on('merkleblock').subscribe((m) => {
        flush();
        const proof = peerMerkleBlock(peer, m, chain);
        if (proof instanceof MerkleProofError) {
          subscriber.error(proof);
          return;
        }
        const entry = chain.header(proof.blockHash);
        if (!entry) return;
        const waiting = new Map(proof.matched.map((h, i) => [hashToHex(h), proof.indexes[i]!]));
        current = { entry, total: m.totalTransactions, waiting, got: new Map() };
        if (waiting.size === 0) flush();
      }),
    );
    subs.add(
      peer.on('tx').subscribe(({ tx }) => {
        const c = current;
        if (!c) return;
        const id = hashToHex(txidOf(tx));
        if (!c.waiting.has(id)) return;
        c.got.set(id, tx);
        if (c.got.size === c.waiting.size) flush();
      }),
    );
    subs.add(
      peer.on('pong').subscribe((m) => {
        if (m.nonce !== nonce) return;
        flush();
        subscriber.complete();
      }),
    );
    void peer.closed.then(({ error }) => {
      if (!subscriber.closed)
        subscriber.error(new FilteredBlockError(`the peer left before it answered${error ? `: ${error.message}` : ''}`, { cause: error }));
    });
    peer.queue({ command: 'getdata', items: entries.map((e) => ({ type: InvType.WitnessFilteredBlock, hash: e.hash })) });
    peer.queue({ command: 'ping', nonce });
    return subs;
  });
}
