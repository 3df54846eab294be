import type { Observable } from 'rxjs';
import type { Peer } from '../peer/peer-api.js';

/** A peer joining or leaving a {@link PeerSet}. */
export interface PeerSetChange {
  /** Joined (handshake done) or left. */
  readonly type: 'added' | 'removed';
  /** The peer. */
  readonly peer: Peer;
}

/** A member of a {@link PeerSet}. */
export interface PeerSetMember {
  /** The peer. */
  readonly peer: Peer;
}

/**
 * Several peers behind one handle, as a pool (`createPool`) offers them: what
 * `syncHeaders` and `watch` need to choose a peer and to switch when it goes.
 */
export interface PeerSet {
  /** Peers joining (`added`, current ones first) and leaving (`removed`). */
  readonly peers$: Observable<PeerSetChange>;
  /** The peer to sync from now, if any. */
  bestPeer(): Peer | undefined;
  /** The handshaken peers now. */
  peers(): readonly PeerSetMember[];
  /**
   * Keep `count` peers with `services` connected while a job needs them
   * (a pool's `want`); released when the job ends. Optional: a set that
   * cannot choose its peers leaves it out.
   */
  want?(options: { services: bigint; count?: number }): PeerSetWant;
}

/** A job's hold on peers with some services (see {@link PeerSet.want}). */
export interface PeerSetWant {
  /** Stop wanting them (peers already connected stay). */
  release(): void;
}

/** Whether a source is a set of peers rather than one peer or a list. */
export function isPeerSet(source: unknown): source is PeerSet {
  return typeof source === 'object' && source !== null && typeof (source as Partial<PeerSet>).bestPeer === 'function';
}
