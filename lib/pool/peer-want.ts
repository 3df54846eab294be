import type { PoolPeer } from './pool-events.js';

/** Peers with these services a job wants by default while its want is active (a BIP158 watch's cross-checking set). */
export const DEFAULT_WANT_COUNT = 8;

/**
 * Outbound connections a want may add beyond the pool's `outbound` target
 * (when more peers are wanted than the target, or every other slot is
 * protected): the default of `maxOutbound` is `outbound` plus this.
 */
export const WANT_EXTRA_OUTBOUND = 8;

/**
 * The book is short of addresses with wanted services while it holds fewer
 * than this many per wanted peer (or none is dialable now); the DNS seeds'
 * `x<hex>.` subdomains are then asked, at most every `SEED_INTERVAL`.
 * About one listening node in ten serves compact filters, and gossip claims
 * are sometimes wrong: four addresses per peer leave room for failures.
 */
export const WANTED_ADDRESSES_PER_PEER = 4;

/** What a job asks the pool for (see `Pool.want`). */
export interface PeerWantOptions {
  /** Service bits the peers must advertise, every one (e.g. `ServiceFlag.CompactFilters`). */
  services: bigint;
  /** Peers with them to keep connected (outbound). @default 8 */
  count?: number;
}

/** The services and count of an active want, as the pool's upkeep reads them. */
export interface WantedServices {
  /** Service bits wanted, every one. */
  readonly services: bigint;
  /** Outbound peers with them to keep. */
  readonly count: number;
}

/**
 * A job's hold on peers with some services, from `Pool.want`. While it is
 * active the pool dials addresses known (or claimed) to have them first,
 * gives up other outbound slots for them, and keeps `count` such outbound
 * peers connected; `release()` ends that.
 */
export interface PeerWant extends WantedServices {
  /** Whether the want still holds (not released, pool not closed). */
  readonly active: boolean;
  /** The connected peers, inbound or outbound, whose version advertised every wanted bit. */
  peers(): PoolPeer[];
  /**
   * Stop wanting. Peers already connected stay; slots beyond `outbound` are
   * not refilled when they go. Idempotent.
   */
  release(): void;
}

/**
 * Check a want's options eagerly.
 * @param options - services and count
 * @returns the services and the count (default {@link DEFAULT_WANT_COUNT})
 * @throws TypeError when `services` is not a bigint; RangeError when it is
 *   not a positive 64-bit mask, or `count` is not a positive safe integer
 */
export function checkWant(options: PeerWantOptions): WantedServices {
  const { services, count = DEFAULT_WANT_COUNT } = options;
  if (typeof services !== 'bigint') throw new TypeError('services must be a bigint');
  if (services <= 0n || services >= 1n << 64n) throw new RangeError(`services must be a non-zero 64-bit mask, not ${services}`);
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, not ${count}`);
  return { services, count };
}
