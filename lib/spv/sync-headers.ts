import type { Observable } from 'rxjs';
import type { HeaderChain } from '../chain/header-chain.js';
import type { Peer } from '../peer/peer-api.js';
import { isPeerSet, type PeerSet } from './peer-set.js';
import { syncFromPeer } from './sync-from-peer.js';
import { syncFromSet } from './sync-from-set.js';
import type { SyncHeadersOptions, SyncProgress } from './sync-progress.js';

export type { SyncHeadersOptions, SyncProgress } from './sync-progress.js';

/**
 * Download, verify and follow a peer's headers into `chain`: `getheaders`
 * with the chain's locator (2,000 headers a batch, each continued from the
 * last header received), then `sendheaders` (BIP130) and live following of
 * `headers` and block `inv` announcements. A peer that sends an invalid,
 * unconnected or low-work header is disconnected with the {@link ChainError}
 * as the reason, and the Observable errors with it; the peer's own stall
 * rules (getheaders → headers in 30 s) apply. A peer whose version claims
 * no more blocks than the chain has is not asked, only followed. Completes when the peer
 * disconnects after catching up; errors if it disconnects before.
 *
 * With a set of peers (a pool), syncs from its best peer and switches to
 * the next when that one fails or leaves (a peer that served invalid
 * headers is disconnected with the error, which a pool bans); then it never
 * completes by itself. It also moves off a slow peer: each other peer's
 * round trip is measured (a `ping`), and a batch still unanswered after 4
 * round trips of the fastest other peer plus its 162 kB at 1 MB/s is asked
 * of that peer too; whichever answers first is kept (its batch verified as
 * any), the other's copy is ignored when it comes and the slow peer stays
 * connected. A peer that lost such a race is not raced again, so at most
 * one batch per peer is fetched twice.
 *
 * @param source - a peer (its handshake may still be running), or a pool
 * @param chain - the chain to extend
 * @param options - clock and tolerance
 * @returns progress after every batch; cold: subscribing starts the sync
 * @example
 * ```ts
 * import { createHeaderChain, syncHeaders, networks } from 'rxbtc';
 * const chain = createHeaderChain({ network: networks.regtest });
 * syncHeaders(peer, chain).subscribe((p) => console.log(`${p.height}/${p.bestKnownHeight}`));
 * ```
 */
export function syncHeaders(source: Peer | PeerSet, chain: HeaderChain, options: SyncHeadersOptions = {}): Observable<SyncProgress> {
  return isPeerSet(source) ? syncFromSet(source, chain, options) : syncFromPeer(source, chain, options);
}
