import type { Peer } from '../peer/peer-api.js';
import { hasService } from '../wire/services.js';
import type { AddressBook, AddressEntry } from './address-book.js';
import { PoolError, PoolErrorCode } from './errors.js';
import { netgroup } from './netgroup.js';
import { WANTED_ADDRESSES_PER_PEER, type WantedServices } from './peer-want.js';
import type { PoolPeer } from './pool-events.js';
import { SEED_INTERVAL } from './pool-options.js';
import { seedQueryServices } from './seed-filters.js';
import { canGiveUp, nextWantStep, wantShortfall, type OutboundSlot } from './want-upkeep.js';

/** When no wanted address will become dialable, look again after this long, ms. */
const WANT_RECHECK = 30_000;

/** What a {@link WantKeeper} needs from its pool. */
export interface WantKeeperHost {
  /** The outbound target. */
  readonly target: number;
  /** Outbound connections at most, wants included. */
  readonly max: number;
  /** The address book (it is replaced once, when a saved one is loaded). */
  book(): AddressBook;
  /** The pool's clock, ms. */
  now(): number;
  /** Handshaken outbound peers. */
  outbound(): PoolPeer[];
  /** Dials in progress: their netgroup and the services their address claims. */
  dialing(): { group: string; services: bigint }[];
  /**
   * Which addresses may be dialled now (endpoint and netgroup free, backoff
   * over, not banned…); with `anyGroup`, whatever netgroups outbound peers
   * hold. Built once per question, asked of many entries.
   */
  dialable(anyGroup: boolean): (entry: AddressEntry) => boolean;
  /** Start an outbound dial. */
  dial(entry: AddressEntry): void;
  /** Run the upkeep again at `at` (ms) at the latest. */
  wakeAt(at: number): void;
  /** Ask the DNS seeds' `x<hex>.` names for addresses with `bits` (when seeding is on); resolves once they are in the book. */
  askSeeds(bits: bigint): Promise<void>;
}

/**
 * The pool's wants (see `Pool.want`) and the upkeep that serves them:
 * dials for wants first, gives up slots ({@link nextWantStep}), asks the
 * DNS seeds' service subdomains when the book is short of wanted addresses.
 */
export class WantKeeper {
  private readonly host: WantKeeperHost;
  private readonly wants = new Set<WantedServices>();
  /** Outbound peers disconnected to make room, until they are gone. */
  private readonly leaving = new Set<Peer>();
  /** Per service bits asked of the seeds: when last asked, ms. */
  private readonly seeded = new Map<bigint, number>();
  private readonly seeding = new Set<bigint>();

  /** @param host - the pool's side */
  constructor(host: WantKeeperHost) {
    this.host = host;
  }

  /** Whether any want is active. */
  get active(): boolean {
    return this.wants.size > 0;
  }

  /** Add a want; returns whether it is still held, and its release. */
  add(want: WantedServices): { held(): boolean; release(): void } {
    const own = { ...want };
    this.wants.add(own);
    return { held: () => this.wants.has(own), release: () => void this.wants.delete(own) };
  }

  /** Whether addresses with `services` are wanted by an active want. */
  wanted(services: bigint): boolean {
    return [...this.wants].some((w) => hasService(services, w.services));
  }

  /** A peer is gone (its slot is free). */
  gone(peer: Peer): void {
    this.leaving.delete(peer);
  }

  /** Drop every want (the pool closes). */
  clear(): void {
    this.wants.clear();
  }

  /** Dial (or make room) for the wants until none can progress; then seed and wake for those still short. */
  keep(): void {
    for (;;) {
      const step = nextWantStep({
        wants: [...this.wants],
        outbound: this.slots(),
        dialing: this.host.dialing().map((d) => d.services),
        target: this.host.target,
        max: this.host.max,
        candidate: (services) => this.candidate(services),
        blocked: (services) => this.blocked(services),
      });
      if (!step) break;
      if (step.type === 'dial') {
        this.host.dial(step.address);
        continue;
      }
      this.leaving.add(step.peer.peer);
      const reason = `outbound slot given to a peer with services 0x${step.want.services.toString(16)}`;
      step.peer.peer.disconnect(reason, new PoolError(PoolErrorCode.Evicted, reason));
      break;
    }
    this.seekShort();
  }

  /** Outbound peers as {@link nextWantStep} sees them. */
  private slots(): OutboundSlot<PoolPeer>[] {
    const book = this.host.book();
    return this.host.outbound().map((m) => ({
      peer: m,
      services: m.peer.stats().services,
      connectedAt: m.peer.stats().connectedAt,
      protected: book.get(m.address)?.fixed ?? false,
      leaving: this.leaving.has(m.peer),
    }));
  }

  /** A dialable address claiming every bit of `services`, picked as any dial's (see `AddressBook.select`). */
  private candidate(services: bigint): AddressEntry | undefined {
    const dialable = this.host.dialable(false);
    return this.host.book().select((e) => hasService(e.services, services) && dialable(e), this.host.now());
  }

  /** A wanted address whose netgroup alone keeps it back, held by an outbound peer that can be given up. */
  private blocked(services: bigint): { address: AddressEntry; by: PoolPeer } | undefined {
    const wants = [...this.wants];
    const dialGroups = new Set(this.host.dialing().map((d) => d.group));
    const givable = new Map<string, PoolPeer>();
    for (const s of this.slots()) if (canGiveUp(s, wants) && !dialGroups.has(s.peer.netgroup)) givable.set(s.peer.netgroup, s.peer);
    if (givable.size === 0) return undefined;
    const dialable = this.host.dialable(true);
    const address = this.host
      .book()
      .select((e) => hasService(e.services, services) && givable.has(netgroup(e.host)) && dialable(e), this.host.now());
    const by = address && givable.get(netgroup(address.host));
    return address && by ? { address, by } : undefined;
  }

  /** For each want still short: ask the seeds when the book is short of its addresses, and wake when one becomes dialable. */
  private seekShort(): void {
    const slots = this.slots();
    const pending = this.host.dialing().map((d) => d.services);
    for (const want of this.wants) {
      if (wantShortfall(want, slots, pending) === 0) continue;
      this.seed(want, this.candidate(want.services) !== undefined);
      const dialable = this.host.dialable(false);
      const next = this.host.book().nextRetry((e) => hasService(e.services, want.services) && dialable(e), this.host.now());
      this.host.wakeAt(next ?? this.host.now() + WANT_RECHECK);
    }
  }

  /** Ask the seeds' subdomains for `want`'s services when the book is short of them, at most every `SEED_INTERVAL`. */
  private seed(want: WantedServices, dialable: boolean): void {
    const bits = seedQueryServices(want.services);
    const now = this.host.now();
    if (this.seeding.has(bits) || now - (this.seeded.get(bits) ?? -Infinity) < SEED_INTERVAL) return;
    if (dialable && this.host.book().withServices(want.services).length >= want.count * WANTED_ADDRESSES_PER_PEER) return;
    this.seeding.add(bits);
    this.seeded.set(bits, now);
    const done = (): void => void this.seeding.delete(bits);
    void this.host.askSeeds(bits).then(done, done);
  }
}
