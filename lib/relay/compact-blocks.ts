import { Observable, Subscription, asyncScheduler, from, takeUntil, type SchedulerLike } from 'rxjs';
import type { Peer } from '../peer/peer-api.js';
import { blockHash } from '../wire/block-header.js';
import { InvType } from '../wire/messages/inv.js';
import { BlockDownloads } from './block-downloads.js';
import type { CompactBlockEvent } from './compact-block-event.js';
import { eachPeer, type RelaySource } from './each-peer.js';
import { HighBandwidthPeers } from './high-bandwidth-peers.js';
import type { MempoolView } from './mempool.js';

export type { CompactBlockEvent } from './compact-block-event.js';
export { MAX_BLOCKS_IN_FLIGHT_PER_PEER } from './block-downloads.js';
export { COMPACT_BLOCK_VERSION } from './high-bandwidth-peers.js';

/** Peers asked to push new blocks as `cmpctblock` (BIP152 high-bandwidth mode) at most. */
export const HIGH_BANDWIDTH_PEERS = 3;
/** How long a peer has to answer `getblocktxn` (then the full block is asked) or a block request (then it is given up), ms. */
export const BLOCK_REQUEST_TIMEOUT_MS = 30_000;
/** Most headers in a `headers` message taken as an announcement (Bitcoin Core's MAX_BLOCKS_TO_ANNOUNCE). */
const MAX_ANNOUNCED_HEADERS = 8;

/** Options of {@link compactBlocks}. */
export interface CompactBlocksOptions {
  /** Peers in high-bandwidth mode at most. @default HIGH_BANDWIDTH_PEERS */
  highBandwidth?: number;
  /** See {@link BLOCK_REQUEST_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Scheduler of the timeouts (tests run it in virtual time). @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/**
 * Follow new blocks at the least bandwidth, as nodes do with BIP152: each
 * peer that can (protocol 70014 and witness) is sent `sendcmpct` version 2,
 * in high-bandwidth mode for the first `highBandwidth` of them (they push
 * `cmpctblock`s unasked) and low-bandwidth for the others (their
 * announcements are answered with a `getdata` for a compact block); a peer
 * outside the high-bandwidth set that announces a block first takes the
 * place of the longest-serving one. Each `cmpctblock` is rebuilt from the
 * mempool view and its prefilled transactions; what is missing is asked
 * with `getblocktxn`; on duplicate short ids, a `blocktxn` of the wrong
 * size, a rebuilt block that does not match its header (a short-id
 * collision or a wrong transaction) or no answer, the full block is asked
 * instead. Peers without compact blocks are asked for full blocks. An
 * unasked `cmpctblock` whose header does not meet its own target
 * disconnects its peer; at most {@link MAX_BLOCKS_IN_FLIGHT_PER_PEER}
 * blocks are in progress per peer. Every
 * block is checked against its header (merkle root, no duplicated
 * transactions, witness commitment) and taken out of the mempool view
 * before it is emitted.
 * @param source - a peer, several, or a pool
 * @param mempool - the view blocks are rebuilt from (kept running while subscribed)
 * @param options - high-bandwidth peers, timeout, scheduler
 * @returns blocks as they arrive, each with how it was obtained and its cost
 */
export function compactBlocks(
  source: RelaySource,
  mempool: MempoolView,
  options: CompactBlocksOptions = {},
): Observable<CompactBlockEvent> {
  return new Observable<CompactBlockEvent>((subscriber) => {
    const subs = new Subscription();
    subs.add(mempool.events$.subscribe({ error: (e: unknown) => subscriber.error(e) }));
    const modes = new HighBandwidthPeers(options.highBandwidth ?? HIGH_BANDWIDTH_PEERS);
    const downloads = new BlockDownloads({
      mempool,
      modes,
      timeoutMs: options.timeoutMs ?? BLOCK_REQUEST_TIMEOUT_MS,
      scheduler: options.scheduler ?? asyncScheduler,
      told: (e) => subscriber.next(e),
    });
    subs.add(eachPeer(source).subscribe((peer) => subs.add(followPeer(peer, modes, downloads))));
    return () => {
      subs.unsubscribe();
      downloads.close();
    };
  });
}

/** One peer's part until it leaves: its mode negotiated, its announcements and answers handed to `downloads`. */
function followPeer(peer: Peer, modes: HighBandwidthPeers, downloads: BlockDownloads): Subscription {
  const gone = from(peer.closed);
  const sub = new Subscription();
  void peer.handshake.then(
    (n) => modes.handshaken(peer, n),
    () => undefined,
  );
  const on = <C extends Parameters<Peer['on']>[0]>(command: C) => peer.on(command).pipe(takeUntil(gone));
  sub.add(on('sendcmpct').subscribe((m) => modes.said(peer, m.version)));
  sub.add(
    on('inv').subscribe((m) =>
      downloads.announced(
        peer,
        m.items.filter((i) => i.type === InvType.Block).map((i) => i.hash),
      ),
    ),
  );
  sub.add(on('headers').subscribe((m) => m.headers.length <= MAX_ANNOUNCED_HEADERS && downloads.announced(peer, m.headers.map(blockHash))));
  sub.add(on('cmpctblock').subscribe((m) => downloads.cmpctblock(peer, m)));
  sub.add(on('blocktxn').subscribe((m) => downloads.blocktxn(peer, m)));
  sub.add(on('block').subscribe((m) => downloads.block(peer, m)));
  sub.add(on('notfound').subscribe((m) => downloads.notfound(peer, m.items)));
  void peer.closed.then(() => {
    sub.unsubscribe();
    modes.forget(peer);
    downloads.gone(peer);
  });
  return sub;
}
