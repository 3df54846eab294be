import { Subscription, type Observable } from 'rxjs';
import type { Peer } from '../peer/peer-api.js';
import { blockHash } from '../wire/block-header.js';
import { hashToHex } from '../wire/hex.js';
import type { Block } from '../wire/messages/block.js';
import { InvType, type InvVector } from '../wire/messages/inv.js';
import { ProtocolVersion } from '../wire/protocol.js';
import { COMPACT_BLOCK_VERSION } from './compact-blocks.js';
import { toCompactBlock } from './short-ids.js';

/** Where a server finds the blocks it serves. */
export interface BlockLookup {
  /** The block with this hash (wire order), if held. */
  block(hash: Uint8Array): Block | undefined;
}

/** A random 64-bit nonce for a compact block's short ids. */
function randomNonce(): bigint {
  const words = crypto.getRandomValues(new Uint32Array(2));
  return (BigInt(words[0]!) << 32n) | BigInt(words[1]!);
}

/**
 * Serve BIP152 to a peer, as a full node does: announce support
 * (`sendcmpct` version 2, low-bandwidth) once the handshake is done, push
 * each new block as a `cmpctblock` while the peer asks for high-bandwidth
 * mode (its latest `sendcmpct` version 2 with `announce`), answer `getdata`
 * for compact blocks (`notfound` for blocks not held) and `getblocktxn`
 * with the transactions asked for; a `getblocktxn` index beyond the block
 * disconnects the peer, as Bitcoin Core does. Use it beside
 * `serveHeaders`, which announces the same blocks by `headers` or `inv`.
 * @param peer - the peer to serve
 * @param blocks - where blocks are found
 * @param tips$ - each new best block, as it is found
 * @returns a Subscription; unsubscribe to stop serving
 */
export function serveCompactBlocks(peer: Peer, blocks: BlockLookup, tips$: Observable<Block>): Subscription {
  const subs = new Subscription();
  let highBandwidth = false;
  const pushed = new Set<string>();
  void peer.handshake.then(
    (n) => {
      if (peer.connected && n.protocolVersion >= ProtocolVersion.ShortIds) {
        peer.queue({ command: 'sendcmpct', announce: false, version: COMPACT_BLOCK_VERSION });
      }
    },
    () => undefined,
  );
  subs.add(
    peer.on('sendcmpct').subscribe((m) => {
      if (m.version === COMPACT_BLOCK_VERSION) highBandwidth = m.announce;
    }),
  );
  subs.add(
    tips$.subscribe((block) => {
      const hash = hashToHex(blockHash(block.header));
      if (!highBandwidth || !peer.connected || pushed.has(hash)) return;
      pushed.add(hash);
      peer.queue(toCompactBlock(block, randomNonce()));
    }),
  );
  subs.add(
    peer.on('getdata').subscribe((m) => {
      const missing: InvVector[] = [];
      for (const item of m.items) {
        if (item.type !== InvType.CompactBlock) continue;
        const block = blocks.block(item.hash);
        if (block) peer.queue(toCompactBlock(block, randomNonce()));
        else missing.push(item);
      }
      if (missing.length > 0) peer.queue({ command: 'notfound', items: missing });
    }),
  );
  subs.add(
    peer.on('getblocktxn').subscribe((m) => {
      const block = blocks.block(m.blockHash);
      if (!block) return;
      if (m.indexes.some((i) => i >= block.transactions.length)) {
        peer.disconnect('getblocktxn with indexes beyond the block');
        return;
      }
      peer.queue({ command: 'blocktxn', blockHash: m.blockHash, transactions: m.indexes.map((i) => block.transactions[i]!) });
    }),
  );
  void peer.closed.then(() => subs.unsubscribe());
  return subs;
}
