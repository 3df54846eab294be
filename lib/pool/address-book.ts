import { endpointKey, type Endpoint } from './endpoint.js';
import { hasService } from '../wire/services.js';
import { netgroup } from './netgroup.js';

/** An address as learned from `addr`, `addrv2`, a DNS seed or the caller. */
export interface KnownAddress extends Endpoint {
  /** Services the address was announced with. */
  services: bigint;
  /** Last seen, seconds since 1970. */
  timestamp: number;
}

/** An address with the book's bookkeeping. */
export interface AddressEntry extends KnownAddress {
  /** Netgroup of whoever told us about it (`self` for the caller, `dns` for seeds). */
  source: string;
  /** Dial attempts since the last success. */
  attempts: number;
  /** Last dial attempt, ms since 1970 (0: never). */
  lastAttempt: number;
  /** Last successful handshake, ms since 1970 (0: never). */
  lastSuccess: number;
  /** Not to be dialled before this time, ms since 1970 (the backoff). */
  nextAttempt: number;
  /** In the tried table (a handshake succeeded once), else in the new table. */
  tried: boolean;
  /** Given by the caller (`connect`): never evicted. */
  fixed: boolean;
}

/** Size limits of an {@link AddressBook}. */
export interface AddressBookLimits {
  /** Most addresses in the new table. @default 16384 */
  maxNew?: number;
  /** Most addresses in the tried table. @default 4096 */
  maxTried?: number;
}

/** Days after which an address never seen again is dropped first. */
const STALE_SECONDS = 30 * 24 * 3600;
/** Entries looked at when one must be evicted (bounded work, like Core's bucket collisions). */
const EVICTION_SAMPLE = 8;

/** A set with O(1) add, delete and uniformly random pick. */
class RandomSet {
  private readonly keys: string[] = [];
  private readonly index = new Map<string, number>();
  get size(): number {
    return this.keys.length;
  }
  add(key: string): void {
    if (this.index.has(key)) return;
    this.index.set(key, this.keys.length);
    this.keys.push(key);
  }
  delete(key: string): void {
    const i = this.index.get(key);
    if (i === undefined) return;
    const last = this.keys.pop()!;
    if (last !== key) {
      this.keys[i] = last;
      this.index.set(last, i);
    }
    this.index.delete(key);
  }
  pick(random: () => number): string | undefined {
    return this.keys[Math.floor(random() * this.keys.length)];
  }
  *[Symbol.iterator](): IterableIterator<string> {
    yield* this.keys;
  }
}

/**
 * Addresses of peers, in two bounded tables as Bitcoin Core's addrman keeps
 * them: `new` (heard of) and `tried` (a handshake succeeded once). Each
 * entry keeps its last-seen time, attempt count and backoff. One source
 * netgroup may fill at most an eighth of the new table; when a table is
 * full, the worst of a few sampled entries is evicted (stale, failing, or
 * the oldest). Pure data: persistence is {@link loadAddressBook} /
 * {@link saveAddressBook}.
 */
export class AddressBook {
  private readonly entries = new Map<string, AddressEntry>();
  private readonly newSet = new RandomSet();
  private readonly triedSet = new RandomSet();
  private readonly perSource = new Map<string, number>();
  private readonly maxNew: number;
  private readonly maxTried: number;
  private readonly random: () => number;

  /**
   * @param limits - table sizes
   * @param random - randomness for selection and eviction @default Math.random
   */
  constructor(limits: AddressBookLimits = {}, random: () => number = Math.random) {
    this.random = random;
    this.maxNew = limits.maxNew ?? 16384;
    this.maxTried = limits.maxTried ?? 4096;
  }

  /** Addresses known, both tables. */
  get size(): number {
    return this.entries.size;
  }

  /** Addresses in the tried table. */
  get triedCount(): number {
    return this.triedSet.size;
  }

  /** The entry for `host:port`, if known. */
  get(address: Endpoint): AddressEntry | undefined {
    return this.entries.get(endpointKey(address));
  }

  /** Every entry (a snapshot). */
  all(): AddressEntry[] {
    return [...this.entries.values()];
  }

  /**
   * Learn addresses. Known ones get the newer timestamp and the union of
   * services — unless a handshake with them succeeded, whose version's
   * services stand (gossip cannot make a peer claim what it denied); new
   * ones go to the new table while their source has room.
   * @param addresses - what was heard
   * @param source - who said it: a host (its netgroup counts), `self` or `dns`
   * @param fixed - the caller's own addresses, never evicted
   * @returns how many were new
   */
  add(addresses: readonly KnownAddress[], source: string, fixed = false): number {
    const group = source === 'self' || source === 'dns' ? source : netgroup(source);
    let added = 0;
    for (const a of addresses) {
      const key = endpointKey(a);
      const known = this.entries.get(key);
      if (known) {
        known.timestamp = Math.max(known.timestamp, a.timestamp);
        if (!handshaken(known)) known.services |= a.services;
        known.fixed ||= fixed;
        continue;
      }
      if (!fixed && (this.perSource.get(group) ?? 0) >= Math.max(1, this.maxNew >> 3)) continue;
      if (this.newSet.size >= this.maxNew && !this.evict(this.newSet)) continue;
      const entry: AddressEntry = {
        host: a.host,
        port: a.port,
        services: a.services,
        timestamp: a.timestamp,
        source: group,
        attempts: 0,
        lastAttempt: 0,
        lastSuccess: 0,
        nextAttempt: 0,
        tried: false,
        fixed,
      };
      this.insert(key, entry);
      added++;
    }
    return added;
  }

  /** Put a whole entry back (loading a saved book); respects the limits. */
  restore(entry: AddressEntry): void {
    const key = endpointKey(entry);
    if (this.entries.has(key)) return;
    const table = entry.tried ? this.triedSet : this.newSet;
    if (table.size >= (entry.tried ? this.maxTried : this.maxNew) && !this.evict(table)) return;
    this.insert(key, { ...entry });
  }

  /**
   * Entries with every bit of `services`: for an address we have handshaken
   * with, the services of its version; otherwise those gossip or a seed claimed.
   */
  withServices(services: bigint): AddressEntry[] {
    return this.all().filter((e) => hasService(e.services, services));
  }

  /** A dial is starting now. */
  attempt(address: Endpoint, now: number): void {
    const e = this.get(address);
    if (e) e.lastAttempt = now;
  }

  /** A dial failed: count it and push `nextAttempt` out by `retryIn` ms. */
  failed(address: Endpoint, now: number, retryIn: number): void {
    const e = this.get(address);
    if (!e) return;
    e.attempts++;
    e.nextAttempt = now + retryIn;
  }

  /** Do not dial before `now + delay` (without counting a failure). */
  defer(address: Endpoint, now: number, delay: number): void {
    const e = this.get(address);
    if (e) e.nextAttempt = Math.max(e.nextAttempt, now + delay);
  }

  /**
   * A handshake succeeded: reset the attempts, record the services the peer
   * announced in its version (they replace what gossip claimed, and gossip
   * no longer changes them), and move the entry to the tried table.
   */
  good(address: Endpoint, now: number, services?: bigint): void {
    const key = endpointKey(address);
    const e = this.entries.get(key);
    if (!e) return;
    if (services !== undefined) e.services = services;
    e.attempts = 0;
    e.nextAttempt = 0;
    e.lastSuccess = now;
    e.timestamp = Math.max(e.timestamp, Math.floor(now / 1000));
    if (e.tried) return;
    if (this.triedSet.size >= this.maxTried) this.demoteOne();
    this.newSet.delete(key);
    this.release(e);
    e.tried = true;
    this.triedSet.add(key);
  }

  /** Forget an address. */
  remove(address: Endpoint): void {
    const key = endpointKey(address);
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    (e.tried ? this.triedSet : this.newSet).delete(key);
    if (!e.tried) this.release(e);
  }

  /**
   * Pick an address to dial: tried or new with even odds (when both have
   * one), random within the table, addresses that failed often or were
   * tried in the last 10 minutes less likely (Core's `GetChance`), none that
   * `eligible` rejects. Random picks first, then a scan, so a mostly
   * ineligible book still yields its eligible entries.
   * @param eligible - e.g. not connected, not banned, netgroup free, backoff over
   * @param now - ms since 1970
   */
  select(eligible: (entry: AddressEntry) => boolean, now: number): AddressEntry | undefined {
    for (let i = 0; i < 64 && this.entries.size > 0; i++) {
      const useTried = this.triedSet.size > 0 && (this.newSet.size === 0 || this.random() < 0.5);
      const key = (useTried ? this.triedSet : this.newSet).pick(this.random);
      const e = key === undefined ? undefined : this.entries.get(key);
      if (e && eligible(e) && this.random() < chance(e, now)) return e;
    }
    let best: AddressEntry | undefined;
    for (const e of this.entries.values()) {
      if (eligible(e) && (!best || chance(e, now) > chance(best, now))) best = e;
    }
    return best;
  }

  /** The earliest `nextAttempt` after `now` among entries `eligible` would accept then, or undefined. */
  nextRetry(eligible: (entry: AddressEntry) => boolean, now: number): number | undefined {
    let soonest: number | undefined;
    for (const e of this.entries.values()) {
      if (e.nextAttempt > now && (soonest === undefined || e.nextAttempt < soonest) && eligible({ ...e, nextAttempt: 0 }))
        soonest = e.nextAttempt;
    }
    return soonest;
  }

  private insert(key: string, e: AddressEntry): void {
    this.entries.set(key, e);
    if (e.tried) {
      this.triedSet.add(key);
    } else {
      this.newSet.add(key);
      this.perSource.set(e.source, (this.perSource.get(e.source) ?? 0) + 1);
    }
  }

  private release(e: AddressEntry): void {
    const n = (this.perSource.get(e.source) ?? 1) - 1;
    if (n > 0) this.perSource.set(e.source, n);
    else this.perSource.delete(e.source);
  }

  /** Drop the worst of a few sampled non-fixed entries of `table`; false when none could go. */
  private evict(table: RandomSet): boolean {
    let worst: AddressEntry | undefined;
    const nowSeconds = Math.floor(Date.now() / 1000);
    for (let i = 0; i < EVICTION_SAMPLE; i++) {
      const key = table.pick(this.random);
      const e = key === undefined ? undefined : this.entries.get(key);
      if (!e || e.fixed) continue;
      if (!worst || badness(e, nowSeconds) > badness(worst, nowSeconds)) worst = e;
    }
    if (!worst) return false;
    this.remove(worst);
    return true;
  }

  /** Make room in the tried table: the sampled entry with the oldest success goes back to new. */
  private demoteOne(): void {
    let oldest: AddressEntry | undefined;
    for (let i = 0; i < EVICTION_SAMPLE; i++) {
      const key = this.triedSet.pick(this.random);
      const e = key === undefined ? undefined : this.entries.get(key);
      if (e && !e.fixed && (!oldest || e.lastSuccess < oldest.lastSuccess)) oldest = e;
    }
    if (!oldest) return;
    const key = endpointKey(oldest);
    this.triedSet.delete(key);
    oldest.tried = false;
    if (this.newSet.size >= this.maxNew) this.evict(this.newSet);
    this.newSet.add(key);
    this.perSource.set(oldest.source, (this.perSource.get(oldest.source) ?? 0) + 1);
  }
}

/** Whether a handshake with the address succeeded once (in the tried table, or demoted from it). */
function handshaken(e: AddressEntry): boolean {
  return e.tried || e.lastSuccess > 0;
}

/** Core's selection weight: 0.66^min(attempts, 8), and ×0.01 when attempted in the last 10 minutes. */
function chance(e: AddressEntry, now: number): number {
  let c = 0.66 ** Math.min(e.attempts, 8);
  if (now - e.lastAttempt < 600_000) c *= 0.01;
  return c;
}

/** Higher is worse: stale addresses and failing ones first, then by age. */
function badness(e: AddressEntry, nowSeconds: number): number {
  const age = nowSeconds - e.timestamp;
  const terrible = age > STALE_SECONDS || (e.lastSuccess === 0 && e.attempts >= 3) || e.attempts >= 10;
  return (terrible ? 1e12 : 0) + age;
}
