import type { AddressEntry } from './address-book.js';
import type { BanList } from './ban-list.js';
import { endpointKey, type Endpoint } from './endpoint.js';
import type { NamedPeers } from './named-peers.js';
import { netgroup } from './netgroup.js';
import type { PoolPeer } from './pool-events.js';

/** Whether a host is an overlay address (Tor, I2P): reachable only through a proxy. */
const isOverlay = (host: string): boolean => /\.(onion|i2p)$/i.test(host);

/** Endpoint keys and netgroups in use by outbound peers and dials in progress. */
export interface TakenEndpoints {
  keys: Set<string>;
  groups: Set<string>;
}

/** A dial in progress: the address's netgroup and the services it claims. */
export interface Dialing {
  group: string;
  services: bigint;
}

/** What {@link OutboundSlots} reads from its pool. */
export interface OutboundSlotsDeps {
  /** The endpoints named in `connect`. */
  named: NamedPeers;
  /** Handshaken peers, inbound ones included. */
  members: ReadonlyMap<unknown, PoolPeer>;
  /** The ban list now (replaced once the address book file is loaded). */
  bans: () => BanList;
  /** Whether a proxy reaches overlay addresses (onion, I2P). */
  proxy: boolean;
  /** The time, ms. */
  now: () => number;
}

/**
 * The pool's outbound slots: which addresses it may dial now, and how many
 * slots are taken (connected, being dialled, or held for a named endpoint
 * still to come). Everything is derived from the members and the dials in
 * progress (a few dozen at most), so nothing can drift.
 */
export class OutboundSlots {
  /** Outbound dials in progress: endpoint key → netgroup and claimed services. */
  readonly dialing = new Map<string, Dialing>();
  private readonly deps: OutboundSlotsDeps;

  /** @param deps - what the slots are read from */
  constructor(deps: OutboundSlotsDeps) {
    this.deps = deps;
  }

  /** Handshaken outbound peers. */
  outbound(): PoolPeer[] {
    return [...this.deps.members.values()].filter((m) => !m.inbound);
  }

  /** Endpoints and netgroups taken by outbound peers and dials in progress. */
  taken(): TakenEndpoints {
    const keys = new Set(this.dialing.keys());
    const groups = new Set([...this.dialing.values()].map((d) => d.group));
    for (const m of this.outbound()) {
      keys.add(endpointKey(m.address));
      groups.add(m.netgroup);
    }
    return { keys, groups };
  }

  /** Not banned (a named endpoint: by its endpoint ban alone) and reachable (overlays need the proxy). */
  allowed(e: Endpoint): boolean {
    const { named, bans, proxy, now } = this.deps;
    return (proxy || !isOverlay(e.host)) && (named.has(e) ? bans().get(e.host, now(), e.port) : bans().get(e.host, now())) === undefined;
  }

  /** An address the pool may pick by itself now: not named, endpoint and netgroup free, backoff over, allowed. */
  eligible(e: AddressEntry, taken: TakenEndpoints): boolean {
    return (
      !this.deps.named.has(e) &&
      !taken.keys.has(endpointKey(e)) &&
      !taken.groups.has(netgroup(e.host)) &&
      e.nextAttempt <= this.deps.now() &&
      this.allowed(e)
    );
  }

  /** A named endpoint to dial now: not connected or being dialled, backoff over, allowed (its netgroup does not matter). */
  namedDue(e: AddressEntry, taken: Pick<TakenEndpoints, 'keys'>): boolean {
    return !taken.keys.has(endpointKey(e)) && e.nextAttempt <= this.deps.now() && this.allowed(e);
  }

  /** Named endpoints neither connected nor being dialled that will be dialled (not banned): their slots are held for them. */
  namedPending(): number {
    const { keys } = this.taken();
    return this.deps.named.endpoints.filter((e) => !keys.has(endpointKey(e)) && this.allowed(e)).length;
  }

  /** Outbound slots taken: connected, being dialled, or held for a named endpoint. */
  count(): number {
    return this.outbound().length + this.dialing.size + this.namedPending();
  }
}
