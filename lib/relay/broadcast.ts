import { Subscription, asyncScheduler, filter, take, timer, type Observable, type SchedulerLike } from 'rxjs';
import type { Peer } from '../peer/peer-api.js';
import { Broadcaster, type Broadcast } from '../pool/broadcast.js';
import type { Pool } from '../pool/pool.js';
import { hashToHex } from '../wire/hex.js';
import { txid as txidOf, wtxid as wtxidOf, type Transaction } from '../wire/transaction.js';
import { BroadcastError, BroadcastErrorCode, type BroadcastReject } from './broadcast-error.js';

/** How long peers have to fetch a broadcast transaction, ms. */
export const BROADCAST_TIMEOUT_MS = 30_000;

/** Options of {@link broadcast}. */
export interface BroadcastOptions {
  /** Fail with `timeout` when no peer fetched it within this many ms. @default 30000 */
  timeoutMs?: number;
  /** Resolve once this many peers fetched it (at most the number of peers); after the first, the rest may come until the timeout. @default 1 */
  peers?: number;
  /** Told each peer that fetched it, as it does. */
  onRequest?: (peer: Peer) => void;
  /** The scheduler of the timeout (tests run it in virtual time). @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/** What a broadcast achieved. */
export interface BroadcastResult {
  /** The transaction's id, display hex. */
  txid: string;
  /** Its witness id, display hex. */
  wtxid: string;
  /** The peers that fetched it (`getdata`), in order. */
  peers: Peer[];
  /** `reject`s peers sent for it. */
  rejects: BroadcastReject[];
}

const isPool = (source: unknown): source is Pool => typeof (source as Partial<Pool>).broadcast === 'function';

/**
 * Send a transaction to the network as nodes do: announce it by `inv` (by
 * wtxid to peers that negotiated `wtxidrelay`, BIP339), serve the
 * `getdata` that follows, and resolve once a peer fetched it. Through a
 * pool it is the pool's own announcer (`Pool.broadcast`, which also
 * announces to peers that join meanwhile); for peers, the same announcer
 * over them (a pool with no peer yet announces to those that join, until
 * the timeout). Announcing stops when the promise settles.
 * @param tx - the signed transaction
 * @param source - a peer, several, or a pool
 * @param options - timeout, how many peers to wait for, a callback per request
 * @throws BroadcastError `invalid`, `no-peers`, `timeout` (nobody fetched it) or `rejected` (every peer that answered refused it)
 */
export async function broadcast(
  tx: Transaction,
  source: Peer | readonly Peer[] | Pool,
  options: BroadcastOptions = {},
): Promise<BroadcastResult> {
  if (tx.inputs.length === 0 || tx.outputs.length === 0) {
    throw new BroadcastError(BroadcastErrorCode.Invalid, `a transaction with ${tx.inputs.length} inputs and ${tx.outputs.length} outputs`);
  }
  const id = txidOf(tx);
  const result: BroadcastResult = { txid: hashToHex(id), wtxid: hashToHex(wtxidOf(tx)), peers: [], rejects: [] };
  const subs = new Subscription();
  let handle: Broadcast;
  let peers: readonly Peer[];
  if (isPool(source)) {
    peers = source.peers().map((m) => m.peer);
    handle = source.broadcast(tx);
  } else {
    const given = Array.isArray(source) ? (source as readonly Peer[]) : [source as Peer];
    const settled = await Promise.allSettled(given.map((p) => p.handshake));
    peers = given.filter((p, i) => settled[i]!.status === 'fulfilled' && p.connected);
    if (peers.length === 0) throw new BroadcastError(BroadcastErrorCode.NoPeers, 'no peer completed the handshake');
    const announcer = new Broadcaster();
    handle = announcer.add(tx, peers);
    for (const peer of peers) subs.add(peer.on('getdata').subscribe((m) => announcer.serve(peer, m.items)));
  }
  const wanted = Math.max(1, Math.min(options.peers ?? 1, peers.length || 1));
  const rejected = new Set<Peer>();
  try {
    return await new Promise<BroadcastResult>((resolve, reject) => {
      const ms = options.timeoutMs ?? BROADCAST_TIMEOUT_MS;
      subs.add(
        timer(ms, options.scheduler ?? asyncScheduler).subscribe(() => {
          if (result.peers.length > 0) resolve(result);
          else reject(new BroadcastError(BroadcastErrorCode.Timeout, `no peer fetched ${result.txid} within ${ms} ms`, result.rejects));
        }),
      );
      subs.add(
        handle.requests$.subscribe((peer) => {
          result.peers.push(peer);
          options.onRequest?.(peer);
          if (result.peers.length >= wanted) resolve(result);
        }),
      );
      for (const peer of peers) {
        subs.add(
          rejectsOf(peer, id).subscribe((m) => {
            result.rejects.push({ peer: peer.stats().address, code: m.code, reason: m.reason });
            rejected.add(peer);
            if (rejected.size >= peers.length) {
              reject(new BroadcastError(BroadcastErrorCode.Rejected, `every peer rejected ${result.txid}: ${m.reason}`, result.rejects));
            }
          }),
        );
      }
    });
  } finally {
    subs.unsubscribe();
    handle.stop();
  }
}

/** The `reject`s a peer sends about one transaction. */
function rejectsOf(peer: Peer, id: Uint8Array): Observable<{ code: number; reason: string }> {
  const hex = hashToHex(id);
  return peer.on('reject').pipe(
    filter((m) => m.message === 'tx' && m.hash !== undefined && hashToHex(m.hash) === hex),
    take(1),
  );
}
