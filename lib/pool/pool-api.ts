import type { Observable } from 'rxjs';
import type { Peer } from '../peer/peer-api.js';
import type { Transaction } from '../wire/transaction.js';
import type { AddressBook } from './address-book.js';
import type { Ban } from './ban-list.js';
import type { Broadcast } from './broadcast.js';
import type { PeerWant, PeerWantOptions } from './peer-want.js';
import type { PoolEvent, PoolMessage, PoolPeer, PoolPeerEvent } from './pool-events.js';

/** Many peers kept connected (see `createPool`). */
export interface Pool {
  /** Peers as they join and leave; a subscriber first gets an `added` for each current peer. */
  readonly peers$: Observable<PoolPeerEvent>;
  /** Every message of every peer, tagged with the peer. Hot. */
  readonly messages$: Observable<PoolMessage>;
  /** Peers joining and leaving, failed dials, bans, refusals, seed queries, warnings. Hot. */
  readonly events$: Observable<PoolEvent>;
  /** Resolves once the address book is loaded and the first dials started. */
  readonly ready: Promise<void>;
  /** The address book. */
  readonly addressBook: AddressBook;
  /** The handshaken peers now. */
  peers(): PoolPeer[];
  /** The peer to sync from: the highest claimed height, then outbound before inbound, then the lowest ping; undefined when none. */
  bestPeer(): Peer | undefined;
  /**
   * Keep peers with `services` (e.g. `ServiceFlag.CompactFilters`) until
   * the returned want is released: addresses known or claimed to have them
   * are dialled first (the DNS seeds' `x<hex>.` subdomains are asked when the
   * book is short of them), at least `count` (default 8) such outbound peers
   * are kept, beyond `outbound` if needed up to `maxOutbound`, and when the
   * outbound slots are full the newest outbound peer without the services
   * of any want (not one the caller named in `connect`) is disconnected to
   * make room. Services count as the peer's version states them: a peer
   * whose gossiped claim was wrong does not count, and its book entry is
   * corrected.
   * @throws TypeError / RangeError for bad options (see `checkWant`)
   * @example
   * ```ts
   * const want = pool.want({ services: ServiceFlag.CompactFilters, count: 8 });
   * // … fetch filters from want.peers() …
   * want.release();
   * ```
   */
  want(options: PeerWantOptions): PeerWant;
  /** Announce a transaction to every peer (and to peers that join later) and serve it on request, until `stop()`. */
  broadcast(tx: Transaction): Broadcast;
  /**
   * Disconnect and ban a peer (or a host) for `duration` ms (default:
   * `banDuration`). A peer named in `connect` is banned by its endpoint
   * (host:port) alone; any other peer, and a host given as a string, by its
   * host (every port; named endpoints on it are not covered).
   */
  ban(target: Peer | string, reason: string, duration?: number): void;
  /** Lift the ban of a host, or with `port` the ban of that endpoint alone. */
  unban(host: string, port?: number): void;
  /** Bans in force. */
  bans(): Ban[];
  /** Disconnect every peer, stop dialling and listening, save the book; idempotent. */
  close(): Promise<void>;
}
