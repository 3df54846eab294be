import { Observable, Subscription, asyncScheduler, from, takeUntil, type SchedulerLike } from 'rxjs';
import { MruSet } from '../peer/mru-set.js';
import type { Peer } from '../peer/peer-api.js';
import { blockHash } from '../wire/block-header.js';
import { MESSAGE_HEADER_SIZE } from '../wire/frame.js';
import { hashFromHex, hashToHex } from '../wire/hex.js';
import { encodePayload, type Message } from '../wire/message.js';
import type { Block } from '../wire/messages/block.js';
import type { CmpctBlockMessage } from '../wire/messages/compact-blocks.js';
import { InvType, type InvVector } from '../wire/messages/inv.js';
import { ProtocolVersion } from '../wire/protocol.js';
import { decodeBits, hashMeetsTarget } from '../chain/compact.js';
import { checkBlockTransactions } from './check-block.js';
import { coinbaseHeight } from './coinbase-height.js';
import { eachPeer, type RelaySource } from './each-peer.js';
import type { MempoolView } from './mempool.js';
import { BlockRebuild, type RebuildFailure } from './rebuild-block.js';

/** Peers asked to push new blocks as `cmpctblock` (BIP152 high-bandwidth mode) at most. */
export const HIGH_BANDWIDTH_PEERS = 3;
/** The compact block version negotiated: 2, short ids of wtxids (BIP152 with segwit). */
export const COMPACT_BLOCK_VERSION = 2n;
/** How long a peer has to answer `getblocktxn` (then the full block is asked) or a block request (then it is given up), ms. */
export const BLOCK_REQUEST_TIMEOUT_MS = 30_000;
/** Blocks being obtained from one peer at most (Bitcoin Core's MAX_BLOCKS_IN_TRANSIT_PER_PEER); its further announcements wait for the next. */
export const MAX_BLOCKS_IN_FLIGHT_PER_PEER = 16;
/** Most headers in a `headers` message taken as an announcement (Bitcoin Core's MAX_BLOCKS_TO_ANNOUNCE). */
const MAX_ANNOUNCED_HEADERS = 8;
/** Blocks remembered as handled, so they are not fetched again. */
const RECENT_BLOCKS = 1000;

/** A block received, and what it cost. */
export interface CompactBlockEvent {
  /** The block, checked against its header (merkle root, witness commitment). */
  block: Block;
  /** Its hash, display hex. */
  hash: string;
  /** The height its coinbase states (BIP34), when it states one. */
  height?: number;
  /** The peer it came from. */
  peer: Peer;
  /** `compact`: rebuilt from a `cmpctblock`; `full`: the whole block was downloaded. */
  via: 'compact' | 'full';
  /** Transactions taken from the mempool view. */
  fromMempool: number;
  /** Transactions sent in full inside the `cmpctblock`. */
  prefilled: number;
  /** Transactions asked for with `getblocktxn`. */
  requested: number;
  /** Bytes received for it: every message (header included) of its `cmpctblock`, `blocktxn` and `block`. */
  bytes: number;
  /** Why the compact block could not be used, when the full block was downloaded after one. */
  fallback?: RebuildFailure | 'timeout';
}

/** Options of {@link compactBlocks}. */
export interface CompactBlocksOptions {
  /** Peers in high-bandwidth mode at most. @default HIGH_BANDWIDTH_PEERS */
  highBandwidth?: number;
  /** See {@link BLOCK_REQUEST_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Scheduler of the timeouts (tests run it in virtual time). @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/** A block being obtained. */
interface Pending {
  peer: Peer;
  /** What is awaited: a `cmpctblock` asked for, a `blocktxn`, or the full block. */
  awaiting: 'cmpctblock' | 'blocktxn' | 'block';
  rebuild?: BlockRebuild;
  bytes: number;
  requested: number;
  fallback?: RebuildFailure | 'timeout';
  timer?: Subscription;
}

/** Bytes a message took on the wire (v1 framing). */
const wireSize = (m: Message): number => MESSAGE_HEADER_SIZE + encodePayload(m).length;

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
  const maxHigh = options.highBandwidth ?? HIGH_BANDWIDTH_PEERS;
  const timeoutMs = options.timeoutMs ?? BLOCK_REQUEST_TIMEOUT_MS;
  const scheduler = options.scheduler ?? asyncScheduler;
  return new Observable<CompactBlockEvent>((subscriber) => {
    const subs = new Subscription();
    subs.add(mempool.events$.subscribe({ error: (e: unknown) => subscriber.error(e) }));
    const pending = new Map<string, Pending>();
    const done = new MruSet<string>(RECENT_BLOCKS);
    /** Peers that sent `sendcmpct` version 2. */
    const compact = new Set<Peer>();
    /** Peers that can be sent `sendcmpct`, and those in high-bandwidth mode (oldest first). */
    const capable = new Set<Peer>();
    const high: Peer[] = [];

    const sendCmpct = (peer: Peer, announce: boolean): void =>
      peer.queue({ command: 'sendcmpct', announce, version: COMPACT_BLOCK_VERSION });
    const promote = (peer: Peer): void => {
      if (maxHigh === 0 || !capable.has(peer) || high.includes(peer)) return;
      sendCmpct(peer, true);
      high.push(peer);
      if (high.length > maxHigh) sendCmpct(high.shift()!, false);
    };

    /** Blocks being obtained from a peer. */
    const inFlight = (peer: Peer): number => {
      let n = 0;
      for (const p of pending.values()) if (p.peer === peer) n++;
      return n;
    };
    const settle = (hash: string, p: Pending): void => {
      p.timer?.unsubscribe();
      pending.delete(hash);
      done.add(hash);
    };
    const arm = (hash: string, p: Pending): void => {
      p.timer?.unsubscribe();
      p.timer = scheduler.schedule(() => {
        if (pending.get(hash) !== p) return;
        if (p.awaiting === 'blocktxn') fetchFull(hash, p, 'timeout');
        else pending.delete(hash);
      }, timeoutMs);
    };
    const fetchFull = (hash: string, p: Pending, why: RebuildFailure | 'timeout'): void => {
      p.fallback = why;
      p.awaiting = 'block';
      p.peer.queue({ command: 'getdata', items: [{ type: InvType.WitnessBlock, hash: hashFromHex(hash) }] });
      arm(hash, p);
    };
    const emit = (hash: string, p: Pending, block: Block, via: 'compact' | 'full'): void => {
      settle(hash, p);
      const height = coinbaseHeight(block);
      const r = via === 'compact' ? p.rebuild : undefined;
      // The view first: when the block is told, its transactions have left the mempool (as `confirmed`).
      mempool.confirm(block);
      subscriber.next({
        block,
        hash,
        ...(height === undefined ? {} : { height }),
        peer: p.peer,
        via,
        fromMempool: r?.fromCandidates ?? 0,
        prefilled: r?.prefilled ?? 0,
        requested: r ? p.requested : 0,
        bytes: p.bytes,
        ...(p.fallback ? { fallback: p.fallback } : {}),
      });
    };
    const finish = (hash: string, p: Pending): void => {
      const block = p.rebuild!.block();
      if (block) emit(hash, p, block, 'compact');
      else fetchFull(hash, p, p.rebuild!.failure!);
    };

    const announced = (peer: Peer, hashes: readonly Uint8Array[]): void => {
      const items: InvVector[] = [];
      for (const h of hashes) {
        const hash = hashToHex(h);
        if (done.has(hash) || pending.has(hash)) continue;
        if (inFlight(peer) >= MAX_BLOCKS_IN_FLIGHT_PER_PEER) break;
        promote(peer);
        const p: Pending = { peer, awaiting: compact.has(peer) ? 'cmpctblock' : 'block', bytes: 0, requested: 0 };
        pending.set(hash, p);
        items.push({ type: p.awaiting === 'cmpctblock' ? InvType.CompactBlock : InvType.WitnessBlock, hash: h });
        arm(hash, p);
      }
      if (items.length > 0) peer.queue({ command: 'getdata', items });
    };
    const cmpctblock = (peer: Peer, m: CmpctBlockMessage): void => {
      const id = blockHash(m.header);
      const hash = hashToHex(id);
      if (done.has(hash)) return;
      let p = pending.get(hash);
      if (p && (p.peer !== peer || p.awaiting !== 'cmpctblock')) return; // another peer's, or already being rebuilt
      if (!p) {
        // Unasked: its header must at least meet its own target (no chain is needed to check that), and the peer
        // must not have too many blocks in progress already.
        const bits = decodeBits(m.header.bits);
        if (bits.negative || bits.overflow || bits.target === 0n || !hashMeetsTarget(id, bits.target)) {
          peer.disconnect('sent a compact block whose header lacks its proof of work');
          return;
        }
        if (inFlight(peer) >= MAX_BLOCKS_IN_FLIGHT_PER_PEER) return;
        promote(peer);
        p = { peer, awaiting: 'cmpctblock', bytes: 0, requested: 0 };
        pending.set(hash, p);
      }
      p.bytes += wireSize(m);
      const r = (p.rebuild = new BlockRebuild(m, mempool.candidates()));
      if (r.failure) {
        fetchFull(hash, p, r.failure);
        return;
      }
      if (r.missing.length === 0) {
        finish(hash, p);
        return;
      }
      p.awaiting = 'blocktxn';
      p.requested = r.missing.length;
      peer.queue({ command: 'getblocktxn', blockHash: blockHash(m.header), indexes: r.missing });
      arm(hash, p);
    };

    subs.add(
      eachPeer(source).subscribe((peer) => {
        const gone = from(peer.closed);
        const perPeer = new Subscription();
        subs.add(perPeer);
        void peer.handshake.then(
          (n) => {
            if (!peer.connected || n.protocolVersion < ProtocolVersion.ShortIds || !n.witness) return;
            capable.add(peer);
            // bcoin heeds only the first sendcmpct a peer sends: the mode must be right the first time.
            const highNow = high.length < maxHigh;
            sendCmpct(peer, highNow);
            if (highNow) high.push(peer);
          },
          () => undefined,
        );
        perPeer.add(
          peer
            .on('sendcmpct')
            .pipe(takeUntil(gone))
            .subscribe((m) => m.version === COMPACT_BLOCK_VERSION && compact.add(peer)),
        );
        perPeer.add(
          peer
            .on('inv')
            .pipe(takeUntil(gone))
            .subscribe((m) =>
              announced(
                peer,
                m.items.filter((i) => i.type === InvType.Block).map((i) => i.hash),
              ),
            ),
        );
        perPeer.add(
          peer
            .on('headers')
            .pipe(takeUntil(gone))
            .subscribe((m) => m.headers.length <= MAX_ANNOUNCED_HEADERS && announced(peer, m.headers.map(blockHash))),
        );
        perPeer.add(
          peer
            .on('cmpctblock')
            .pipe(takeUntil(gone))
            .subscribe((m) => cmpctblock(peer, m)),
        );
        perPeer.add(
          peer
            .on('blocktxn')
            .pipe(takeUntil(gone))
            .subscribe((m) => {
              const hash = hashToHex(m.blockHash);
              const p = pending.get(hash);
              if (p?.peer !== peer || p.awaiting !== 'blocktxn') return;
              p.bytes += wireSize(m);
              if (p.rebuild!.fill(m.transactions)) finish(hash, p);
              else fetchFull(hash, p, p.rebuild!.failure!);
            }),
        );
        perPeer.add(
          peer
            .on('block')
            .pipe(takeUntil(gone))
            .subscribe((m) => {
              const hash = hashToHex(blockHash(m.block.header));
              const p = pending.get(hash);
              if (p?.peer !== peer || p.awaiting !== 'block') return; // not asked for here
              p.bytes += wireSize(m);
              if (checkBlockTransactions(m.block) === undefined) emit(hash, p, m.block, 'full');
              else {
                pending.delete(hash);
                p.timer?.unsubscribe();
                peer.disconnect('sent a block whose transactions do not match its header');
              }
            }),
        );
        perPeer.add(
          peer
            .on('notfound')
            .pipe(takeUntil(gone))
            .subscribe((m) => {
              for (const item of m.items) {
                const hash = hashToHex(item.hash);
                const p = pending.get(hash);
                if (p?.peer === peer && p.awaiting !== 'blocktxn') {
                  p.timer?.unsubscribe();
                  pending.delete(hash);
                }
              }
            }),
        );
        void peer.closed.then(() => {
          perPeer.unsubscribe();
          subs.remove(perPeer);
          capable.delete(peer);
          compact.delete(peer);
          const at = high.indexOf(peer);
          if (at >= 0) high.splice(at, 1);
          for (const [hash, p] of pending) {
            if (p.peer !== peer) continue;
            p.timer?.unsubscribe();
            pending.delete(hash);
          }
        });
      }),
    );
    return () => {
      subs.unsubscribe();
      for (const p of pending.values()) p.timer?.unsubscribe();
      pending.clear();
    };
  });
}
