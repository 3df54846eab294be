import { endpointKey } from './endpoint.js';

/** A banned host, or one endpoint of it. */
export interface Ban {
  /** The IP address or name banned. */
  host: string;
  /**
   * Set when only this port of the host is banned: the ban of a peer named
   * in the pool's `connect`, which leaves other named endpoints on the
   * same host alone. Absent: every port.
   */
  port?: number;
  /** Banned until, ms since 1970 (on the pool's scheduler clock). */
  until: number;
  /** Why. */
  reason: string;
}

/** Default ban duration: 24 h (Bitcoin Core's `-bantime`). */
export const DEFAULT_BAN_DURATION = 24 * 3600 * 1000;

/**
 * The ban among `bans` that keeps `endpoint` away: one on that endpoint, or
 * on its host (every port) unless the endpoint is a pool's named peer, which
 * only its endpoint ban keeps away.
 */
export function banOn(bans: readonly Ban[], endpoint: { host: string; port: number }, named = false): Ban | undefined {
  const host = endpoint.host.toLowerCase();
  return bans.find((b) => b.host === host && (b.port === undefined ? !named : b.port === endpoint.port));
}

/** The key of a host ban (`port` undefined) or of an endpoint ban. */
const banKey = (host: string, port?: number): string =>
  port === undefined ? host.toLowerCase() : endpointKey({ host: host.toLowerCase(), port });

/**
 * Hosts (every port) and endpoints (one port) not to talk to until their
 * ban expires. A host ban and an endpoint ban are separate entries: which
 * one applies to an address is the caller's choice (the pool asks named
 * endpoints for their endpoint ban only). Expired bans are dropped when
 * looked at.
 */
export class BanList {
  private readonly bans = new Map<string, Ban>();

  /** Ban `host` (or only its `port`) until `until` (a longer existing ban is kept). */
  ban(host: string, until: number, reason: string, port?: number): Ban {
    const key = banKey(host, port);
    const old = this.bans.get(key);
    const ban = old && old.until >= until ? old : { host: host.toLowerCase(), ...(port === undefined ? {} : { port }), until, reason };
    this.bans.set(key, ban);
    return ban;
  }

  /** Lift the ban of `host` (or of its `port` only); true when there was one. */
  unban(host: string, port?: number): boolean {
    return this.bans.delete(banKey(host, port));
  }

  /** The ban on `host` (every port), or with `port` the ban on that endpoint alone, at `now`, if any. */
  get(host: string, now: number, port?: number): Ban | undefined {
    return this.lookup(banKey(host, port), now);
  }

  /** Bans in force at `now`. */
  active(now: number): Ban[] {
    return [...this.bans.keys()].flatMap((k) => this.lookup(k, now) ?? []);
  }

  private lookup(key: string, now: number): Ban | undefined {
    const ban = this.bans.get(key);
    if (ban && ban.until <= now) {
      this.bans.delete(key);
      return undefined;
    }
    return ban;
  }
}
