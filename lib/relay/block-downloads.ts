import type { SchedulerLike, Subscription } from 'rxjs';
import { decodeBits, hashMeetsTarget } from '../chain/compact.js';
import { MruSet } from '../peer/mru-set.js';
import type { Peer } from '../peer/peer-api.js';
import { blockHash } from '../wire/block-header.js';
import { MESSAGE_HEADER_SIZE } from '../wire/frame.js';
import { hashFromHex, hashToHex } from '../wire/hex.js';
import { encodePayload, type Message } from '../wire/message.js';
import type { Block, BlockMessage } from '../wire/messages/block.js';
import type { BlockTxnMessage, CmpctBlockMessage } from '../wire/messages/compact-blocks.js';
import { InvType, type InvVector } from '../wire/messages/inv.js';
import { checkBlockTransactions } from './check-block.js';
import { coinbaseHeight } from './coinbase-height.js';
import type { CompactBlockEvent } from './compact-block-event.js';
import type { HighBandwidthPeers } from './high-bandwidth-peers.js';
import type { MempoolView } from './mempool.js';
import { BlockRebuild, type RebuildFailure } from './rebuild-block.js';

/** Blocks being obtained from one peer at most (Bitcoin Core's MAX_BLOCKS_IN_TRANSIT_PER_PEER); its further announcements wait for the next. */
export const MAX_BLOCKS_IN_FLIGHT_PER_PEER = 16;
/** Blocks remembered as handled, so they are not fetched again. */
const RECENT_BLOCKS = 1000;

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

/** What {@link BlockDownloads} works with. */
export interface BlockDownloadsDeps {
  /** The view blocks are rebuilt from; each block is confirmed in it before it is told. */
  mempool: MempoolView;
  /** Who sends compact blocks, and the high-bandwidth set an announcing peer is promoted into. */
  modes: HighBandwidthPeers;
  /** How long a peer has to answer, ms. */
  timeoutMs: number;
  scheduler: SchedulerLike;
  /** A block obtained. */
  told: (event: CompactBlockEvent) => void;
}

/** Bytes a message took on the wire (v1 framing). */
const wireSize = (m: Message): number => MESSAGE_HEADER_SIZE + encodePayload(m).length;

/**
 * The blocks `compactBlocks` is obtaining, by hash: asked as compact blocks
 * of peers that send them (full blocks of others), rebuilt from the mempool
 * view, what is missing asked with `getblocktxn`, the full block asked when
 * a rebuild fails or a `blocktxn` is late; each peer's answers matched to
 * what was asked of it.
 */
export class BlockDownloads {
  private readonly pending = new Map<string, Pending>();
  private readonly done = new MruSet<string>(RECENT_BLOCKS);
  private readonly deps: BlockDownloadsDeps;

  /** @param deps - the view, the modes, the timeout and where blocks go */
  constructor(deps: BlockDownloadsDeps) {
    this.deps = deps;
  }

  /** A peer announced blocks (`inv` or `headers`): ask for those not handled yet, within its in-flight limit. */
  announced(peer: Peer, hashes: readonly Uint8Array[]): void {
    const items: InvVector[] = [];
    for (const h of hashes) {
      const hash = hashToHex(h);
      if (this.done.has(hash) || this.pending.has(hash)) continue;
      if (this.inFlight(peer) >= MAX_BLOCKS_IN_FLIGHT_PER_PEER) break;
      this.deps.modes.promote(peer);
      const p: Pending = { peer, awaiting: this.deps.modes.sendsCompact(peer) ? 'cmpctblock' : 'block', bytes: 0, requested: 0 };
      this.pending.set(hash, p);
      items.push({ type: p.awaiting === 'cmpctblock' ? InvType.CompactBlock : InvType.WitnessBlock, hash: h });
      this.arm(hash, p);
    }
    if (items.length > 0) peer.queue({ command: 'getdata', items });
  }

  /**
   * A `cmpctblock`: one asked of this peer, or an unasked one whose header
   * meets its own target (else the peer is disconnected); rebuilt, the
   * missing transactions asked, or the full block on a failure.
   */
  cmpctblock(peer: Peer, m: CmpctBlockMessage): void {
    const id = blockHash(m.header);
    const hash = hashToHex(id);
    if (this.done.has(hash)) return;
    const p = this.pending.get(hash) ?? this.unasked(peer, m, id, hash);
    if (p?.peer !== peer || p.awaiting !== 'cmpctblock') return; // refused, another peer's, or already being rebuilt
    p.bytes += wireSize(m);
    const r = (p.rebuild = new BlockRebuild(m, this.deps.mempool.candidates()));
    if (r.failure) {
      this.fetchFull(hash, p, r.failure);
      return;
    }
    if (r.missing.length === 0) {
      this.finish(hash, p);
      return;
    }
    p.awaiting = 'blocktxn';
    p.requested = r.missing.length;
    peer.queue({ command: 'getblocktxn', blockHash: id, indexes: r.missing });
    this.arm(hash, p);
  }

  /** The transactions a `getblocktxn` asked for: the block finished, or the full block asked when they do not fit. */
  blocktxn(peer: Peer, m: BlockTxnMessage): void {
    const hash = hashToHex(m.blockHash);
    const p = this.pending.get(hash);
    if (p?.peer !== peer || p.awaiting !== 'blocktxn') return;
    p.bytes += wireSize(m);
    if (p.rebuild!.fill(m.transactions)) this.finish(hash, p);
    else this.fetchFull(hash, p, p.rebuild!.failure!);
  }

  /** A full block asked of this peer: told when it matches its header, else the peer is disconnected. */
  block(peer: Peer, m: BlockMessage): void {
    const hash = hashToHex(blockHash(m.block.header));
    const p = this.pending.get(hash);
    if (p?.peer !== peer || p.awaiting !== 'block') return; // not asked for here
    p.bytes += wireSize(m);
    if (checkBlockTransactions(m.block) === undefined) this.emit(hash, p, m.block, 'full');
    else {
      this.drop(hash, p);
      peer.disconnect('sent a block whose transactions do not match its header');
    }
  }

  /** The peer has not the blocks asked (a `blocktxn` it owes is waited for: it has the block). */
  notfound(peer: Peer, items: readonly InvVector[]): void {
    for (const item of items) {
      const hash = hashToHex(item.hash);
      const p = this.pending.get(hash);
      if (p?.peer === peer && p.awaiting !== 'blocktxn') this.drop(hash, p);
    }
  }

  /** The peer left: what it was asked is given up (another's announcement asks again). */
  gone(peer: Peer): void {
    for (const [hash, p] of this.pending) if (p.peer === peer) this.drop(hash, p);
  }

  /** Stop every timer. */
  close(): void {
    for (const p of this.pending.values()) p.timer?.unsubscribe();
    this.pending.clear();
  }

  /**
   * An unasked compact block's entry: none when its header lacks its own
   * proof of work (no chain is needed to check that; the peer is
   * disconnected) or the peer has too many blocks in flight already.
   */
  private unasked(peer: Peer, m: CmpctBlockMessage, id: Uint8Array, hash: string): Pending | undefined {
    const bits = decodeBits(m.header.bits);
    if (bits.negative || bits.overflow || bits.target === 0n || !hashMeetsTarget(id, bits.target)) {
      peer.disconnect('sent a compact block whose header lacks its proof of work');
      return undefined;
    }
    if (this.inFlight(peer) >= MAX_BLOCKS_IN_FLIGHT_PER_PEER) return undefined;
    this.deps.modes.promote(peer);
    const p: Pending = { peer, awaiting: 'cmpctblock', bytes: 0, requested: 0 };
    this.pending.set(hash, p);
    return p;
  }

  /** Blocks being obtained from a peer. */
  private inFlight(peer: Peer): number {
    let n = 0;
    for (const p of this.pending.values()) if (p.peer === peer) n++;
    return n;
  }

  private drop(hash: string, p: Pending): void {
    p.timer?.unsubscribe();
    this.pending.delete(hash);
  }

  private settle(hash: string, p: Pending): void {
    this.drop(hash, p);
    this.done.add(hash);
  }

  /** (Re)start the answer's timeout: a late `blocktxn` makes it ask the full block, anything else late is given up. */
  private arm(hash: string, p: Pending): void {
    p.timer?.unsubscribe();
    p.timer = this.deps.scheduler.schedule(() => {
      if (this.pending.get(hash) !== p) return;
      if (p.awaiting === 'blocktxn') this.fetchFull(hash, p, 'timeout');
      else this.pending.delete(hash);
    }, this.deps.timeoutMs);
  }

  private fetchFull(hash: string, p: Pending, why: RebuildFailure | 'timeout'): void {
    p.fallback = why;
    p.awaiting = 'block';
    p.peer.queue({ command: 'getdata', items: [{ type: InvType.WitnessBlock, hash: hashFromHex(hash) }] });
    this.arm(hash, p);
  }

  private finish(hash: string, p: Pending): void {
    const block = p.rebuild!.block();
    if (block) this.emit(hash, p, block, 'compact');
    else this.fetchFull(hash, p, p.rebuild!.failure!);
  }

  private emit(hash: string, p: Pending, block: Block, via: 'compact' | 'full'): void {
    this.settle(hash, p);
    const height = coinbaseHeight(block);
    const r = via === 'compact' ? p.rebuild : undefined;
    // The view first: when the block is told, its transactions have left the mempool (as `confirmed`).
    this.deps.mempool.confirm(block);
    this.deps.told({
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
  }
}
