import type { Observable, SchedulerLike } from 'rxjs';
import type { Connection } from '../transport/connection.js';
import type { PeerConfig } from '../peer/config.js';
import type { Peer } from '../peer/peer-api.js';
import type { AddressBook } from './address-book.js';
import type { BackoffOptions } from './backoff.js';
import type { Resolver } from './dns-seeds.js';
import type { Endpoint } from './endpoint.js';
import type { FloodLimits } from './flood-guard.js';
import type { Network } from '../wire/networks.js';

/** Default outbound connections (Bitcoin Core's full-relay outbound count). */
export const DEFAULT_OUTBOUND = 8;
/** Default inbound limit (Core's 125 connections less the 8 outbound). */
export const DEFAULT_MAX_INBOUND = 117;
/** Default inbound connections from one netgroup. */
export const DEFAULT_MAX_INBOUND_PER_NETGROUP = 8;
/** DNS seeds are asked only while the address book holds fewer addresses than this. */
export const DEFAULT_SEED_BELOW = 100;
/** Least time between two rounds of DNS seed queries, ms. */
export const SEED_INTERVAL = 10 * 60 * 1000;
/** How often the address book is saved, ms (Core's 15 minutes). */
export const DEFAULT_SAVE_INTERVAL = 15 * 60 * 1000;
/** Peer settings the pool passes to each of its peers (the pool sets network, direction, transport, scheduler and nonces). */
export type PoolPeerConfig = Omit<PeerConfig, 'network' | 'inbound' | 'transport' | 'scheduler' | 'sentNonces'>;

/**
 * Opens an outbound connection and returns the handshaken peer; calls
 * `onPeer` as soon as each peer object exists (before its handshake).
 */
export type Dialer = (target: Endpoint, onPeer: (peer: Peer) => void, transport: 'auto' | 'v2' | 'v1') => Promise<Peer>;

/** Options of `createPool`. */
export interface PoolOptions {
  /** The network. */
  network: Network;
  /**
   * `HOST[:PORT]` peers to keep connected, every one (Bitcoin Core's manual
   * connections): dialled first and redialled with backoff, whatever their
   * netgroup (several on one host are all connected); kept in the book for
   * ever and never given up for a `want`. A named peer that misbehaves is
   * disconnected and banned by its endpoint (host:port) alone; a host ban
   * does not cover named endpoints.
   */
  connect?: readonly string[];
  /** Ask the network's DNS seeds when the book is short. @default true when `connect` is empty */
  dnsSeeds?: boolean;
  /** Resolves DNS seed names. @default `systemResolver` (node:dns) */
  resolver?: Resolver;
  /** Ask DNS seeds only while the book holds fewer addresses than this. @default 100 */
  seedBelow?: number;
  /** Also dial addresses learned from `addr`/`addrv2` (else only `connect` and seeds). @default true */
  discover?: boolean;
  /**
   * Outbound connections to keep, the named peers (`connect`) included:
   * picked addresses fill what the named ones leave, one per netgroup. Never
   * below the number of named peers, so each of them is kept even when they
   * outnumber it. @default 8
   */
  outbound?: number;
  /**
   * Outbound connections at most, counting those a `want` adds beyond
   * `outbound` (when it wants more peers than that, or no other slot can be
   * given up). @default outbound + 8 (`WANT_EXTRA_OUTBOUND`)
   */
  maxOutbound?: number;
  /** Inbound connections accepted at most. @default 117 */
  maxInbound?: number;
  /** Inbound connections accepted from one netgroup. @default 8 */
  maxInboundPerNetgroup?: number;
  /** Where inbound connections come from (e.g. `listenTcp()`); none when absent. */
  listen?: ConnectionSource;
  /** A file to load the book from and save it to, or a book to use as it is. @default a fresh in-memory book */
  addressBook?: string | AddressBook;
  /**
   * Outbound transport (see `connectPeer`). With `auto`, an address whose
   * last handshake showed no NODE_P2P_V2 is dialled with v1 directly.
   * @default 'auto'
   */
  transport?: 'auto' | 'v2' | 'v1';
  /** SOCKS5 proxy for outbound connections (needed for `.onion` and `.i2p` addresses, which are skipped without it). */
  proxy?: string;
  /** Settings for every peer (user agent, services, timeouts…). */
  peer?: PoolPeerConfig;
  /** How outbound connections are made. @default `connectPeer` with the options above */
  dial?: Dialer;
  /** Every timer of the pool and its peers. @default asyncScheduler */
  scheduler?: SchedulerLike;
  /** How long a misbehaving peer is banned, ms. @default 86400000 (24 h) */
  banDuration?: number;
  /** Redial delays after failures. */
  backoff?: BackoffOptions;
  /** Message-rate limit per peer; beyond it the peer is banned for flooding. */
  flood?: FloodLimits;
  /** How often the book is saved when `addressBook` is a path, ms. @default 900000 */
  saveInterval?: number;
  /** Randomness (address selection, jitter). @default Math.random */
  random?: () => number;
}

/** Where inbound connections come from: a `Listener` from `listenTcp`, or any stream of connections. */
export interface ConnectionSource {
  /** Accepted connections. */
  readonly connections$: Observable<Connection>;
}
