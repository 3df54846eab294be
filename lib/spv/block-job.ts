import { Observable, Subscription } from 'rxjs';
import type { ChainEntry } from '../chain/chain-entry.js';
import type { Delivery, DownloadJob } from '../download/download-job.js';
import type { Peer } from '../peer/peer-api.js';
import { blockHash } from '../wire/block-header.js';
import { bytesEqual, hashToHex } from '../wire/hex.js';
import type { Block } from '../wire/messages/block.js';
import { InvType } from '../wire/messages/inv.js';
import { merkleRoot } from '../wire/merkle.js';
import { txid } from '../wire/transaction.js';
import { CompactFilterError, CompactFilterErrorCode } from './filter-client.js';
import { peerJob } from './peer-job.js';

/** Blocks one peer holds in flight at most (Bitcoin Core's MAX_BLOCKS_IN_TRANSIT_PER_PEER). */
export const MAX_BLOCKS_IN_FLIGHT = 16;

/** Whether a block is the one its header in the chain commits to (hash and merkle root). */
export function blockMatches(block: Block, entry: Pick<ChainEntry, 'hash' | 'header'>): boolean {
  return bytesEqual(blockHash(block.header), entry.hash) && bytesEqual(merkleRoot(block.transactions.map(txid)), entry.header.merkleRoot);
}

/**
 * Full blocks as a download job: one `getdata` for the blocks asked, each
 * `block` matched to its request by hash and checked against its header
 * (merkle root); a peer that sends a block whose transactions are not the
 * header's is disconnected with a `bad-block` {@link CompactFilterError}.
 * Blocks the peer answers with `notfound` go to another peer.
 */
export function blockJob(): DownloadJob<Peer, ChainEntry, Block> {
  return {
    ...peerJob,
    fetch: (peer, entries) =>
      new Observable<Delivery<Block>>((subscriber) => {
        const index = new Map(entries.map((e, i) => [e.hashHex, i]));
        let left = entries.length;
        let counted = peer.stats().bytesReceived;
        const done = (key: string): void => {
          index.delete(key);
          if (--left === 0) subscriber.complete();
        };
        const subs = new Subscription();
        subs.add(
          peer.on('block').subscribe({
            next: ({ block }) => {
              const key = hashToHex(blockHash(block.header));
              const i = index.get(key);
              if (i === undefined) return;
              if (!blockMatches(block, entries[i]!)) {
                const e = new CompactFilterError(
                  CompactFilterErrorCode.BadBlock,
                  `block ${key} does not match its header`,
                  peer.stats().address,
                );
                peer.disconnect(e.message, e);
                subscriber.error(e);
                return;
              }
              const received = peer.stats().bytesReceived;
              subscriber.next({ index: i, value: block, bytes: Math.max(80, received - counted) });
              counted = received;
              done(key);
            },
            complete: () => subscriber.error(new Error('the peer disconnected')),
          }),
        );
        subs.add(
          peer.on('notfound').subscribe(({ items }) => {
            for (const item of items) {
              const key = hashToHex(item.hash);
              if (index.has(key)) done(key);
            }
          }),
        );
        peer.queue({ command: 'getdata', items: entries.map((e) => ({ type: InvType.WitnessBlock, hash: e.hash })) });
        return subs;
      }),
  };
}
