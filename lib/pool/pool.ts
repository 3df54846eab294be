import { Observable, Subject, Subscription, asyncScheduler, concat, defer, from, share } from 'rxjs';
import type { Connection } from '../transport/connection.js';
import { connectPeer } from '../peer/connect-peer.js';
import { MruSet } from '../peer/mru-set.js';
import type { Peer } from '../peer/peer-api.js';
import { createPeer } from '../peer/peer.js';
import type { Message } from '../wire/message.js';
import { MAX_ADDR_PER_MESSAGE } from '../wire/messages/addr.js';
import { ServiceFlag, hasService } from '../wire/services.js';
import type { Transaction } from '../wire/transaction.js';
import { AddressBook, type AddressEntry, type KnownAddress } from './address-book.js';
import { loadAddressBook, saveAddressBook } from './address-book-file.js';
import { addrEntries, addrV2Entries, addressesFromAddr, addressesFromAddrV2 } from './address-messages.js';
import { backoffDelay } from './backoff.js';
import { BanList, DEFAULT_BAN_DURATION, type Ban } from './ban-list.js';
import { Broadcaster, type Broadcast } from './broadcast.js';
import { querySeeds, systemResolver } from './dns-seeds.js';
import { WANT_EXTRA_OUTBOUND, checkWant, type PeerWant, type PeerWantOptions } from './peer-want.js';
import { seedQueryName } from './seed-filters.js';
import { WantKeeper } from './want-keeper.js';
import { endpointKey, parseEndpoint, remoteEndpoint, type Endpoint } from './endpoint.js';
import { PoolError, PoolErrorCode } from './errors.js';
import { floodGuard, sentUnasked } from './flood-guard.js';
import { misbehaviour } from './misbehaviour.js';
import { NamedPeers } from './named-peers.js';
import { netgroup } from './netgroup.js';
import type { PoolEvent, PoolMessage, PoolPeer, PoolPeerEvent } from './pool-events.js';
import {
  DEFAULT_MAX_INBOUND,
  DEFAULT_MAX_INBOUND_PER_NETGROUP,
  DEFAULT_OUTBOUND,
  DEFAULT_SAVE_INTERVAL,
  DEFAULT_SEED_BELOW,
  SEED_INTERVAL,
  type Dialer,
  type PoolOptions,
} from './pool-options.js';

/** When nothing can be dialled and nothing is pending, look again after this long, ms. */
const IDLE_RECHECK = 30_000;

/** Many peers kept connected. See {@link createPool}. */
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
   * @throws TypeError / RangeError for bad options (see {@link checkWant})
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

const isOverlay = (host: string): boolean => /\.(onion|i2p)$/i.test(host);

/**
 * Keep a set of peers: every endpoint named in `connect` (Core's manual
 * connections, whatever their netgroup), plus connections up to `outbound`
 * (at most one per netgroup) chosen from an address book learned from
 * `addr`/`addrv2` (and DNS seeds when it is short), each redialled with
 * exponential backoff and jitter; inbound connections within limits;
 * misbehaving peers banned at once (Bitcoin Core's rule since v28, see
 * {@link misbehaviour}) — by host, but a named peer by its endpoint alone,
 * so a lying node does not cost the other named nodes on its host;
 * transactions broadcast and served.
 * @example
 * ```ts
 * const pool = createPool({ network: networks.mainnet, addressBook: 'peers.json' });
 * pool.peers$.subscribe((e) => console.log(e.type, e.peer.stats().address));
 * syncHeaders(pool, chain).subscribe((p) => console.log(p.height));
 * ```
 */
export function createPool(options: PoolOptions): Pool {
  const { network } = options;
  const scheduler = options.scheduler ?? asyncScheduler;
  const random = options.random ?? Math.random;
  const connectList = (options.connect ?? []).map((c) => parseEndpoint(c, network.port));
  const named = new NamedPeers(connectList);
  // Named peers count toward the target, and every one is kept: the target is never below their number.
  const target = Math.max(options.outbound ?? DEFAULT_OUTBOUND, named.size);
  const maxOutbound = Math.max(target, options.maxOutbound ?? target + WANT_EXTRA_OUTBOUND);
  const maxInbound = options.maxInbound ?? DEFAULT_MAX_INBOUND;
  const maxPerGroup = options.maxInboundPerNetgroup ?? DEFAULT_MAX_INBOUND_PER_NETGROUP;
  const banDuration = options.banDuration ?? DEFAULT_BAN_DURATION;
  const useSeeds = options.dnsSeeds ?? connectList.length === 0;
  const resolver = options.resolver ?? systemResolver;
  const seedBelow = options.seedBelow ?? DEFAULT_SEED_BELOW;
  const discover = options.discover ?? true;
  const sentNonces = new MruSet<bigint>(50); // the pool's own: a version carrying one of them is a connection to ourselves
  const peerConfig = { ...options.peer, network, scheduler, sentNonces };
  const dial: Dialer =
    options.dial ??
    ((t, onPeer, transport) =>
      connectPeer({
        ...peerConfig,
        host: t.host,
        port: t.port,
        transport,
        ...(options.proxy ? { proxy: options.proxy } : {}),
        onPeer,
      }));

  let book = typeof options.addressBook === 'object' ? options.addressBook : new AddressBook({}, random);
  let bans = new BanList();
  const bookPath = typeof options.addressBook === 'string' ? options.addressBook : undefined;
  const events = new Subject<PoolEvent>();
  const messages = new Subject<PoolMessage>();
  const broadcaster = new Broadcaster();
  const subs = new Subscription();
  /** Every peer object of the pool, handshaken or not. */
  const live = new Set<Peer>();
  /** Handshaken peers. */
  const members = new Map<Peer, PoolPeer>();
  /** Outbound dials in progress: endpoint key → netgroup and the services the address claims. */
  const dialing = new Map<string, { group: string; services: bigint }>();
  let inboundCount = 0;
  const inboundGroups = new Map<string, number>();
  let closed = false;
  let wake: Subscription | undefined;
  let wakeAt = Infinity;
  let lastSeed = -Infinity;
  let seeding = false;

  const now = (): number => scheduler.now();
  const count = (m: Map<string, number>, key: string, delta: number): void => {
    const n = (m.get(key) ?? 0) + delta;
    if (n > 0) m.set(key, n);
    else m.delete(key);
  };
  const outboundCount = (): number => [...members.values()].filter((m) => !m.inbound).length;

  /** Endpoints and netgroups taken by outbound peers and dials in progress (derived, a few dozen at most). */
  const busy = (): { keys: Set<string>; groups: Set<string> } => {
    const keys = new Set(dialing.keys());
    const groups = new Set([...dialing.values()].map((d) => d.group));
    for (const m of members.values()) {
      if (m.inbound) continue;
      keys.add(endpointKey(m.address));
      groups.add(m.netgroup);
    }
    return { keys, groups };
  };
  /** Not banned (a named endpoint: by its endpoint ban alone) and reachable (overlays need the proxy). */
  const allowed = (e: Endpoint): boolean =>
    (options.proxy !== undefined || !isOverlay(e.host)) &&
    (named.has(e) ? bans.get(e.host, now(), e.port) : bans.get(e.host, now())) === undefined;
  /** An address the pool may pick by itself now: not named, endpoint and netgroup free, backoff over, allowed. */
  const eligible = (e: AddressEntry, taken: { keys: Set<string>; groups: Set<string> }): boolean =>
    !named.has(e) && !taken.keys.has(endpointKey(e)) && !taken.groups.has(netgroup(e.host)) && e.nextAttempt <= now() && allowed(e);
  /** A named endpoint to dial now: not connected or being dialled, backoff over, allowed (its netgroup does not matter). */
  const namedDue = (e: AddressEntry, taken: { keys: Set<string> }): boolean =>
    !taken.keys.has(endpointKey(e)) && e.nextAttempt <= now() && allowed(e);
  /** Named endpoints neither connected nor being dialled that will be dialled (not banned): their slots are held for them. */
  const namedPending = (): number => {
    const { keys } = busy();
    return named.endpoints.filter((e) => !keys.has(endpointKey(e)) && allowed(e)).length;
  };
  /** Outbound slots taken: connected, being dialled, or held for a named endpoint. */
  const slotsTaken = (): number => outboundCount() + dialing.size + namedPending();

  const scheduleWake = (at: number): void => {
    if (closed || at >= wakeAt) return;
    wake?.unsubscribe();
    wakeAt = at;
    wake = scheduler.schedule(
      () => {
        wakeAt = Infinity;
        wake = undefined;
        fill();
      },
      Math.max(0, at - now()),
    );
    subs.add(wake);
  };

  const seed = (): void => {
    if (!useSeeds || seeding || network.dnsSeeds.length === 0 || book.size >= seedBelow || now() - lastSeed < SEED_INTERVAL) return;
    seeding = true;
    lastSeed = now();
    void querySeeds(network.dnsSeeds, network.port, resolver, Math.floor(now() / 1000)).then(({ addresses, failed }) => {
      seeding = false;
      if (closed) return;
      book.add(addresses, 'dns');
      events.next({ type: 'seeded', addresses: addresses.length, failed: failed.map((f) => f.seed) });
      fill();
    });
  };

  /** Ask the seeds' `x<hex>.` names (those that may answer them) for addresses with `bits`, credited with them. */
  const askSeeds = async (bits: bigint): Promise<void> => {
    const names = network.dnsSeeds.flatMap((s) => seedQueryName(s, bits) ?? []);
    if (!useSeeds || names.length === 0) return;
    const { addresses, failed } = await querySeeds(names, network.port, resolver, Math.floor(now() / 1000), bits);
    if (closed) return;
    book.add(addresses, 'dns');
    events.next({ type: 'seeded', addresses: addresses.length, failed: failed.map((f) => f.seed), services: bits });
    fill();
  };
  const wants = new WantKeeper({
    get target() {
      return target - namedPending();
    },
    get max() {
      return maxOutbound - namedPending();
    },
    book: () => book,
    now,
    outbound: () => [...members.values()].filter((m) => !m.inbound),
    dialing: () => [...dialing.values()],
    dialable: (anyGroup) => {
      const taken = busy();
      return (e) => eligible(e, anyGroup ? { keys: taken.keys, groups: new Set() } : taken);
    },
    dial: (e) => startDial(e),
    wakeAt: (at) => scheduleWake(at),
    askSeeds,
  });

  /**
   * Dial the named endpoints that are due, then for the wants, then picked
   * addresses until the target's slots are taken; then sleep until the next
   * backoff ends.
   */
  const fill = (): void => {
    if (closed) return;
    const due = busy();
    for (const e of named.endpoints) {
      const entry = book.get(e);
      if (entry && namedDue(entry, due)) startDial(entry);
    }
    if (wants.active) wants.keep();
    while (slotsTaken() < target) {
      const taken = busy();
      const entry = book.select((e) => eligible(e, taken), now());
      if (!entry) break;
      startDial(entry);
    }
    const short = slotsTaken() < target;
    if (short || namedPending() > 0) {
      if (short) seed();
      const taken = busy();
      const next = book.nextRetry((e) => (named.has(e) ? namedDue(e, taken) : eligible(e, taken)), now());
      scheduleWake(next ?? now() + IDLE_RECHECK);
    }
  };

  const startDial = (entry: AddressEntry): void => {
    const address: Endpoint = { host: entry.host, port: entry.port };
    const key = endpointKey(address);
    const group = netgroup(address.host);
    dialing.set(key, { group, services: entry.services });
    book.attempt(address, now());
    // As Core: v2 first only when the address is not known to lack NODE_P2P_V2 (a v1 node scores our 64 bytes as garbage).
    const knownV1 = entry.lastSuccess > 0 && !hasService(entry.services, ServiceFlag.P2PV2);
    const transport = options.transport === 'auto' || options.transport === undefined ? (knownV1 ? 'v1' : 'auto') : options.transport;
    dial(address, (peer) => watchPeer(peer, address), transport).then(
      (peer) => {
        dialing.delete(key);
        if (closed || !peer.connected) {
          peer.disconnect(closed ? 'pool closed' : 'disconnected during the handshake');
          if (!closed) fill();
          return;
        }
        book.good(address, now(), peer.stats().services); // the version's services replace gossip's claims
        join(peer, address, false, group);
        peer.send({ command: 'getaddr' }).catch(() => undefined); // once per outbound peer, as Core does
        if (wants.active) fill(); // a claim may have been wrong
      },
      (error: unknown) => {
        dialing.delete(key);
        if (closed) return;
        const bad = misbehaviour(error instanceof Error ? error : undefined);
        if (bad) banAddress(address, false, bad);
        const retryIn = backoffDelay((book.get(address)?.attempts ?? 0) + 1, options.backoff, random);
        book.failed(address, now(), retryIn);
        events.next({ type: 'dial-failed', address, error, retryIn });
        fill();
      },
    );
  };

  /** Subscribe to a peer's messages from its creation on: flood guard, address learning, getaddr and getdata service, messages$. */
  const watchPeer = (peer: Peer, address: Endpoint): void => {
    let answeredGetaddr = false;
    live.add(peer);
    void peer.closed.then(() => live.delete(peer));
    subs.add(
      peer.messages$.pipe(floodGuard<Message>(options.flood, scheduler, sentUnasked)).subscribe({
        next: (message) => {
          if (discover && (message.command === 'addr' || message.command === 'addrv2')) {
            const learned: KnownAddress[] =
              message.command === 'addr' ? addressesFromAddr(message.addresses) : addressesFromAddrV2(message.addresses);
            const added = book.add(learned, address.host);
            const wanted = learned.some((a) => wants.wanted(a.services));
            if ((added > 0 && slotsTaken() < target) || wanted) fill();
          } else if (message.command === 'getaddr' && peer.stats().inbound && !answeredGetaddr) {
            answeredGetaddr = true; // Core answers one getaddr per connection, and only inbound ones
            const sample = book.all().filter((e) => e.lastSuccess > 0 || e.attempts === 0);
            const some = sample.sort(() => random() - 0.5).slice(0, MAX_ADDR_PER_MESSAGE);
            (peer.stats().wantsAddrV2 ? peer.pushAddrV2(addrV2Entries(some)) : peer.pushAddr(addrEntries(some))).catch(() => undefined);
          } else if (message.command === 'getdata') {
            broadcaster.serve(peer, message.items);
          }
          messages.next({ peer, message });
        },
        error: (e: unknown) => peer.disconnect(e instanceof Error ? e.message : String(e), e instanceof Error ? e : undefined),
      }),
    );
  };

  const join = (peer: Peer, address: Endpoint, inbound: boolean, group: string): void => {
    const member: PoolPeer = { peer, address, inbound, netgroup: group };
    members.set(peer, member);
    events.next({ type: 'added', ...member });
    broadcaster.announceAll(peer);
    void peer.closed.then(({ reason, error }) => {
      members.delete(peer);
      wants.gone(peer);
      if (inbound) {
        inboundCount--;
        count(inboundGroups, group, -1);
      } else {
        // Try another address first: this one only after the first backoff step.
        book.defer(address, now(), backoffDelay(1, options.backoff, random));
      }
      const bad = misbehaviour(error);
      if (bad) banAddress(address, inbound, bad);
      events.next({ type: 'removed', ...member, reason, ...(error ? { error } : {}) });
      fill();
    });
  };

  /**
   * Ban a host, or only the endpoint of an outbound peer named in `connect`
   * (Core never punishes its manual peers; here a named liar is still cut
   * off, but only its own endpoint is banned). Disconnects the peers the
   * ban covers: for a host ban, every peer on the host but named ones.
   */
  const banAddress = (address: Endpoint, inbound: boolean, reason: string, duration = banDuration): void =>
    applyBan(address.host, !inbound && named.has(address) ? address.port : undefined, reason, duration);
  /** Ban `host`, or only its `port`, and disconnect the peers the ban covers. */
  const applyBan = (host: string, port: number | undefined, reason: string, duration: number): void => {
    const ban = bans.ban(host, now() + duration, reason, port);
    events.next({ type: 'banned', host: ban.host, ...(port === undefined ? {} : { port }), reason, until: ban.until });
    const covers = (m: PoolPeer): boolean =>
      m.address.host.toLowerCase() === ban.host &&
      (port === undefined ? m.inbound || !named.has(m.address) : !m.inbound && m.address.port === port);
    for (const m of members.values()) {
      if (covers(m)) m.peer.disconnect(`banned: ${reason}`, new PoolError(PoolErrorCode.Banned, reason));
    }
  };

  const accept = (connection: Connection): void => {
    const address = remoteEndpoint(connection.remoteAddress);
    const group = netgroup(address.host);
    const refuse = (reason: string): void => {
      events.next({ type: 'refused', address: connection.remoteAddress, reason });
      connection.close();
    };
    const refusal = closed
      ? 'pool closed'
      : bans.get(address.host, now())
        ? 'banned'
        : inboundCount >= maxInbound
          ? `inbound limit (${maxInbound}) reached`
          : (inboundGroups.get(group) ?? 0) >= maxPerGroup
            ? `inbound limit per netgroup (${maxPerGroup}) reached`
            : undefined;
    if (refusal !== undefined) {
      refuse(refusal);
      return;
    }
    inboundCount++;
    count(inboundGroups, group, 1);
    const peer = createPeer(connection, { ...peerConfig, inbound: true });
    watchPeer(peer, address);
    peer.handshake.then(
      () => (closed ? peer.disconnect('pool closed') : join(peer, address, true, group)),
      () => {
        inboundCount--;
        count(inboundGroups, group, -1);
        void peer.closed.then(({ error }) => {
          const bad = misbehaviour(error);
          if (bad) banAddress(address, true, bad);
        });
      },
    );
  };

  const save = async (): Promise<void> => {
    if (bookPath === undefined) return;
    try {
      await saveAddressBook(bookPath, network.name, book, bans, now());
    } catch (e) {
      events.next({ type: 'warning', message: `cannot save the address book ${bookPath}: ${(e as Error).message}` });
    }
  };

  const ready = (async () => {
    if (bookPath !== undefined) {
      const loaded = await loadAddressBook(bookPath, network.name, now());
      book = loaded.book;
      bans = loaded.bans;
      if (loaded.warning) events.next({ type: 'warning', message: loaded.warning });
      const interval = options.saveInterval ?? DEFAULT_SAVE_INTERVAL;
      subs.add(
        scheduler.schedule(function (this: { schedule(s?: unknown, d?: number): void }) {
          void save();
          this.schedule(undefined, interval);
        }, interval),
      );
    }
    book.add(
      connectList.map((e) => ({ ...e, services: 0n, timestamp: Math.floor(now() / 1000) })),
      'self',
      true,
    );
    if (options.listen) subs.add(options.listen.connections$.subscribe(accept));
    fill();
  })();

  const peers$ = defer(() =>
    concat(
      from([...members.values()].map((m): PoolPeerEvent => ({ type: 'added', ...m }))),
      new Observable<PoolPeerEvent>((subscriber) =>
        events.subscribe({
          next: (e) => (e.type === 'added' || e.type === 'removed' ? subscriber.next(e) : undefined),
          complete: () => subscriber.complete(),
        }),
      ),
    ),
  );

  return {
    peers$,
    messages$: messages.pipe(share()),
    events$: events.asObservable(),
    ready,
    get addressBook() {
      return book;
    },
    peers: () => [...members.values()].filter((m) => m.peer.connected),
    bestPeer() {
      let best: PoolPeer | undefined;
      const height = (p: PoolPeer): number => Math.max(p.peer.stats().startHeight, p.peer.stats().lastBlock);
      for (const m of members.values()) {
        if (!m.peer.connected) continue;
        if (
          !best ||
          height(m) > height(best) ||
          (height(m) === height(best) &&
            (Number(best.inbound) - Number(m.inbound) > 0 ||
              (m.inbound === best.inbound && m.peer.stats().lastPingMicros < best.peer.stats().lastPingMicros)))
        )
          best = m;
      }
      return best?.peer;
    },
    want(wantOptions): PeerWant {
      const wanted = checkWant(wantOptions);
      const hold = wants.add(wanted);
      void ready.then(fill, () => undefined);
      return {
        ...wanted,
        get active() {
          return hold.held();
        },
        peers: () => [...members.values()].filter((m) => m.peer.connected && hasService(m.peer.stats().services, wanted.services)),
        release: () => hold.release(),
      };
    },
    broadcast: (tx) => broadcaster.add(tx, [...members.keys()]),
    ban(targetPeer, reason, duration) {
      if (typeof targetPeer === 'string') {
        applyBan(targetPeer, undefined, reason, duration ?? banDuration);
        return;
      }
      const member = members.get(targetPeer);
      const inbound = member?.inbound ?? targetPeer.stats().inbound;
      banAddress(member?.address ?? remoteEndpoint(targetPeer.stats().address), inbound, reason, duration);
      targetPeer.disconnect(`banned: ${reason}`, new PoolError(PoolErrorCode.Banned, reason));
    },
    unban: (host, port) => void bans.unban(host, port),
    bans: () => bans.active(now()),
    async close() {
      if (closed) return;
      await ready.catch(() => undefined);
      closed = true;
      wants.clear();
      subs.unsubscribe();
      broadcaster.close();
      const all = [...live];
      for (const p of all) p.disconnect('pool closed', new PoolError(PoolErrorCode.Closed, 'the pool was closed'));
      await Promise.all(all.map((p) => p.closed));
      await save();
      events.complete();
      messages.complete();
    },
  };
}
