import { EMPTY, Observable, defer, from, merge, mergeMap } from 'rxjs';
import type { Peer } from '../peer/peer.js';
import { ServiceFlag, hasService } from '../wire/services.js';
import { syncHeaders } from './sync-headers.js';
import type { WalletEvent } from './wallet-tracker.js';
import { watchBip37, type WatchSourceOptions } from './watch-bip37.js';
import { watchBip158 } from './watch-bip158.js';

/** How {@link watch} learns about the wallet's transactions. */
export type WatchMethod = 'bip158' | 'bip37';

/** Options of {@link watch}. */
export interface WatchOptions extends Omit<WatchSourceOptions, 'source'> {
  /** The peer, or several (BIP158 cross-checks filter headers between them; BIP37 uses the first). */
  source: Peer | readonly Peer[];
  /**
   * `bip158` (compact filters: private, verifiable) or `bip37` (bloom
   * filters: the peer learns the scripts). Default: BIP158 when the peer
   * advertises NODE_COMPACT_FILTERS, else BIP37 when it advertises NODE_BLOOM.
   */
  method?: WatchMethod;
  /** Also keep `chain` in sync from the peers (`syncHeaders`). @default true */
  syncChain?: boolean;
  /** How long a peer may take to answer a BIP157 request, ms. @default 30000 */
  timeoutMs?: number;
}

/** The method `auto` picks for a peer's services, or undefined when it offers neither. */
export function watchMethodFor(services: bigint): WatchMethod | undefined {
  if (hasService(services, ServiceFlag.CompactFilters)) return 'bip158';
  if (hasService(services, ServiceFlag.Bloom)) return 'bip37';
  return undefined;
}

/**
 * Tell a wallet about its transactions as they appear, confirm and are
 * reorganised away, with proof: BIP158 compact filters (the block is fetched
 * and checked against the verified header chain) or BIP37 bloom filters (a
 * verified partial merkle tree). Rescans from `from` (a wallet's birthday),
 * then follows the chain live.
 *
 * @param options - chain, peer(s), scripts, birthday, method
 * @returns events `{ type: 'tx', txid, tx, status, height?, blockHash?, proof?, received, spent }`
 * @example
 * ```ts
 * import { addressToScript, createHeaderChain, watch, networks } from 'rxbtc';
 * const network = networks.regtest;
 * const chain = createHeaderChain({ network });
 * watch({ chain, source: peer, scripts: [addressToScript('bcrt1q…', network)], from: 0 })
 *   .subscribe((e) => console.log(e.status, e.txid, e.height));
 * ```
 */
export function watch(options: WatchOptions): Observable<WalletEvent> {
  const peers = Array.isArray(options.source) ? (options.source as readonly Peer[]) : [options.source as Peer];
  const first = peers[0];
  if (!first) throw new RangeError('watch needs at least one peer');
  const sync$ =
    options.syncChain === false
      ? EMPTY
      : merge(...peers.map((p) => syncHeaders(p, options.chain))).pipe(mergeMap(() => EMPTY as Observable<WalletEvent>));
  const events$ = defer(() =>
    from(first.handshake).pipe(
      mergeMap((n) => {
        const method = options.method ?? watchMethodFor(n.remote.services);
        if (method === undefined)
          throw new RangeError(`the peer offers neither compact filters (NODE_COMPACT_FILTERS) nor bloom filters (NODE_BLOOM)`);
        const base = { chain: options.chain, scripts: options.scripts, ...(options.from === undefined ? {} : { from: options.from }) };
        return method === 'bip158'
          ? watchBip158({ ...base, source: peers, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) })
          : watchBip37({ ...base, source: first });
      }),
    ),
  );
  return merge(events$, sync$);
}
