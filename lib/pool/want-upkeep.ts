import { hasService } from '../wire/services.js';
import type { WantedServices } from './peer-want.js';

/** An outbound peer as the want upkeep sees it. */
export interface OutboundSlot<P> {
  /** The peer. */
  readonly peer: P;
  /** Services its version advertised. */
  readonly services: bigint;
  /** When it connected, ms on the pool's clock. */
  readonly connectedAt: number;
  /** Never given up for a want (an address the caller named in `connect`). */
  readonly protected: boolean;
  /** Already disconnected to make room, not gone yet: its slot is still taken. */
  readonly leaving: boolean;
}

/** The pool's outbound state and the wants, for {@link nextWantStep}. */
export interface WantUpkeepState<P, A> {
  /** Active wants, first asked first served. */
  readonly wants: readonly WantedServices[];
  /** Connected outbound peers (leaving ones included). */
  readonly outbound: readonly OutboundSlot<P>[];
  /** Services claimed by the addresses being dialled now (gossip, seeds or a past version). */
  readonly dialing: readonly bigint[];
  /** The pool's outbound target. */
  readonly target: number;
  /** Outbound connections at most, wants included (≥ target). */
  readonly max: number;
  /** A dialable address claiming every bit of `services`, if the book has one. */
  candidate(services: bigint): A | undefined;
  /**
   * An address claiming every bit of `services` that only the netgroup of
   * an outbound peer keeps from being dialled (one outbound per netgroup),
   * with that peer; undefined when there is none.
   */
  blocked(services: bigint): { readonly address: A; readonly by: P } | undefined;
}

/** Dial an address for a want. */
export interface WantDial<A> {
  /** Discriminant. */
  readonly type: 'dial';
  /** The address. */
  readonly address: A;
  /** The want it is for. */
  readonly want: WantedServices;
}

/** Disconnect a peer to give its slot to a want. */
export interface WantEviction<P> {
  /** Discriminant. */
  readonly type: 'evict';
  /** The peer to let go. */
  readonly peer: P;
  /** The want the slot is for. */
  readonly want: WantedServices;
}

/** What the upkeep does next for the wants. */
export type WantStep<P, A> = WantDial<A> | WantEviction<P>;

/**
 * Outbound peers a want still lacks: `count` less the connected peers whose
 * version has every wanted bit and the dials in progress to addresses
 * claiming them (0 when met).
 */
export function wantShortfall<P>(want: WantedServices, outbound: readonly OutboundSlot<P>[], dialing: readonly bigint[]): number {
  const connected = outbound.filter((s) => !s.leaving && hasService(s.services, want.services)).length;
  const pending = dialing.filter((d) => hasService(d, want.services)).length;
  return Math.max(0, want.count - connected - pending);
}

/** Whether an outbound peer may be given up for a want: not protected, not leaving, without the services of any active want. */
export function canGiveUp<P>(slot: OutboundSlot<P>, wants: readonly WantedServices[]): boolean {
  return !slot.protected && !slot.leaving && !wants.some((w) => hasService(slot.services, w.services));
}

/**
 * The outbound peer to give up for a want: among those that can be given
 * up ({@link canGiveUp}), the newest (the one that has proven least;
 * long-lived peers are kept, as Core's eviction keeps them). Undefined when
 * there is none.
 */
export function leastUsefulSlot<P>(outbound: readonly OutboundSlot<P>[], wants: readonly WantedServices[]): OutboundSlot<P> | undefined {
  let newest: OutboundSlot<P> | undefined;
  for (const s of outbound) {
    if (canGiveUp(s, wants) && (!newest || s.connectedAt > newest.connectedAt)) newest = s;
  }
  return newest;
}

/**
 * The next step for the first want that lacks peers and has a candidate.
 * A dialable candidate is dialled while the outbound target has room;
 * otherwise, unless a peer is already leaving to make room, the least
 * useful slot is given up ({@link leastUsefulSlot}); when none can be, the
 * candidate is dialled beyond the target up to `max`. A candidate kept back
 * only by the netgroup of a peer that can be given up gets that peer's slot.
 * Undefined when nothing is to be done now.
 */
export function nextWantStep<P, A>(state: WantUpkeepState<P, A>): WantStep<P, A> | undefined {
  const { wants, outbound, dialing, target, max } = state;
  const total = outbound.length + dialing.length;
  const leaving = outbound.some((s) => s.leaving);
  for (const want of wants) {
    if (wantShortfall(want, outbound, dialing) === 0) continue;
    const address = state.candidate(want.services);
    if (address === undefined) {
      const blocked = leaving ? undefined : state.blocked(want.services);
      const holder = blocked && outbound.find((s) => s.peer === blocked.by);
      if (holder && canGiveUp(holder, wants)) return { type: 'evict', peer: holder.peer, want };
      continue;
    }
    if (total < target) return { type: 'dial', address, want };
    if (leaving) return undefined; // a slot is being freed: dial once it is
    const victim = leastUsefulSlot(outbound, wants);
    if (victim) return { type: 'evict', peer: victim.peer, want };
    if (total < max) return { type: 'dial', address, want };
  }
  return undefined;
}
