import { Observable, Subject, Subscription, asyncScheduler, concat, defer, from, share } from 'rxjs';
import type { Connection } from '../transport/connection.js';
import { connectPeer } from '../peer/connect-peer.js';
import { MruSet } from '../peer/mru-set.js';
import type { Peer } from '../peer/peer-api.js';
import { createPeer } from '../peer/peer.js';
import { ServiceFlag, hasService } from '../wire/services.js';
import { AddressBook, type AddressEntry } from './address-book.js';
import { loadAddressBook, saveAddressBook } from './address-book-file.js';
import { backoffDelay } from './backoff.js';
import { BanList, DEFAULT_BAN_DURATION } from './ban-list.js';
import { Broadcaster } from './broadcast.js';
import { systemResolver } from './dns-seeds.js';
import { WANT_EXTRA_OUTBOUND, checkWant, type PeerWant } from './peer-want.js';
import { WantKeeper } from './want-keeper.js';
import { endpointKey, parseEndpoint, remoteEndpoint, type Endpoint } from './endpoint.js';
import { PoolError, PoolErrorCode } from './errors.js';
import { misbehaviour } from './misbehaviour.js';
import { bestPeer } from './best-peer.js';
import { InboundSlots } from './inbound-slots.js';
import { NamedPeers } from './named-peers.js';
import { OutboundSlots } from './outbound-slots.js';
import { servePeer, type PeerServiceDeps } from './peer-service.js';
import { Seeding } from './seeding.js';
import { netgroup } from './netgroup.js';
import type { PoolEvent, PoolMessage, PoolPeer, PoolPeerEvent } from './pool-events.js';
import {
  DEFAULT_MAX_INBOUND,
  DEFAULT_MAX_INBOUND_PER_NETGROUP,
  DEFAULT_OUTBOUND,
  DEFAULT_SAVE_INTERVAL,
  DEFAULT_SEED_BELOW,
  type Dialer,
  type PoolOptions,
} from './pool-options.js';

import type { Pool } from './pool-api.js';

export type { Pool } from './pool-api.js';

/** When nothing can be dialled and nothing is pending, look again after this long, ms. */
const IDLE_RECHECK = 30_000;

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
  const banDuration = options.banDuration ?? DEFAULT_BAN_DURATION;
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
  let closed = false;
  let wake: Subscription | undefined;
  let wakeAt = Infinity;
  const now = (): number => scheduler.now();
  const slots = new OutboundSlots({ named, members, bans: () => bans, proxy: options.proxy !== undefined, now });
  const inboundSlots = new InboundSlots(
    options.maxInbound ?? DEFAULT_MAX_INBOUND,
    options.maxInboundPerNetgroup ?? DEFAULT_MAX_INBOUND_PER_NETGROUP,
  );
  const seeding = new Seeding({
    use: options.dnsSeeds ?? connectList.length === 0,
    seeds: network.dnsSeeds,
    port: network.port,
    resolver: options.resolver ?? systemResolver,
    below: options.seedBelow ?? DEFAULT_SEED_BELOW,
    book: () => book,
    now,
    closed: () => closed,
    seeded: (e) => {
      events.next(e);
      fill();
    },
  });

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

  const wants = new WantKeeper({
    get target() {
      return target - slots.namedPending();
    },
    get max() {
      return maxOutbound - slots.namedPending();
    },
    book: () => book,
    now,
    outbound: () => slots.outbound(),
    dialing: () => [...slots.dialing.values()],
    dialable: (anyGroup) => {
      const taken = slots.taken();
      return (e) => slots.eligible(e, anyGroup ? { keys: taken.keys, groups: new Set() } : taken);
    },
    dial: (e) => startDial(e),
    wakeAt: (at) => scheduleWake(at),
    askSeeds: (bits) => seeding.forServices(bits),
  });

  /**
   * Dial the named endpoints that are due, then for the wants, then picked
   * addresses until the target's slots are taken; then sleep until the next
   * backoff ends.
   */
  const fill = (): void => {
    if (closed) return;
    const due = slots.taken();
    for (const e of named.endpoints) {
      const entry = book.get(e);
      if (entry && slots.namedDue(entry, due)) startDial(entry);
    }
    if (wants.active) wants.keep();
    while (slots.count() < target) {
      const taken = slots.taken();
      const entry = book.select((e) => slots.eligible(e, taken), now());
      if (!entry) break;
      startDial(entry);
    }
    const short = slots.count() < target;
    if (short || slots.namedPending() > 0) {
      if (short) seeding.whenShort();
      const taken = slots.taken();
      const next = book.nextRetry((e) => (named.has(e) ? slots.namedDue(e, taken) : slots.eligible(e, taken)), now());
      scheduleWake(next ?? now() + IDLE_RECHECK);
    }
  };

  const startDial = (entry: AddressEntry): void => {
    const address: Endpoint = { host: entry.host, port: entry.port };
    const key = endpointKey(address);
    const group = netgroup(address.host);
    slots.dialing.set(key, { group, services: entry.services });
    book.attempt(address, now());
    // As Core: v2 first only when the address is not known to lack NODE_P2P_V2 (a v1 node scores our 64 bytes as garbage).
    const knownV1 = entry.lastSuccess > 0 && !hasService(entry.services, ServiceFlag.P2PV2);
    const transport = options.transport === 'auto' || options.transport === undefined ? (knownV1 ? 'v1' : 'auto') : options.transport;
    dial(address, (peer) => watchPeer(peer, address), transport).then(
      (peer) => {
        slots.dialing.delete(key);
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
        slots.dialing.delete(key);
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

  /** Serve a peer from its creation on (see {@link servePeer}); a new address may fill a slot, one a want needs is dialled. */
  const watchPeer = (peer: Peer, address: Endpoint): void => {
    live.add(peer);
    void peer.closed.then(() => live.delete(peer));
    subs.add(servePeer(peer, address, service));
  };
  const service: PeerServiceDeps = {
    book: () => book,
    discover: options.discover ?? true,
    flood: options.flood,
    scheduler,
    random,
    broadcaster,
    messages,
    learned: (added, learned) => {
      if ((added > 0 && slots.count() < target) || learned.some((a) => wants.wanted(a.services))) fill();
    },
  };

  const join = (peer: Peer, address: Endpoint, inbound: boolean, group: string): void => {
    const member: PoolPeer = { peer, address, inbound, netgroup: group };
    members.set(peer, member);
    events.next({ type: 'added', ...member });
    broadcaster.announceAll(peer);
    void peer.closed.then(({ reason, error }) => {
      members.delete(peer);
      wants.gone(peer);
      if (inbound) inboundSlots.release(group);
      else {
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
    const refusal = closed ? 'pool closed' : bans.get(address.host, now()) ? 'banned' : inboundSlots.refusal(group);
    if (refusal !== undefined) {
      refuse(refusal);
      return;
    }
    inboundSlots.take(group);
    const peer = createPeer(connection, { ...peerConfig, inbound: true });
    watchPeer(peer, address);
    peer.handshake.then(
      () => (closed ? peer.disconnect('pool closed') : join(peer, address, true, group)),
      () => {
        inboundSlots.release(group);
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
    bestPeer: () => bestPeer(members.values()),
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
