/** A banned host. */
export interface Ban {
  /** The IP address or name banned (every port). */
  host: string;
  /** Banned until, ms since 1970 (on the pool's scheduler clock). */
  until: number;
  /** Why. */
  reason: string;
}

/** Default ban duration: 24 h (Bitcoin Core's `-bantime`). */
export const DEFAULT_BAN_DURATION = 24 * 3600 * 1000;

/** Hosts not to talk to until their ban expires. Expired bans are dropped when looked at. */
export class BanList {
  private readonly bans = new Map<string, Ban>();

  /** Ban `host` until `until` (a longer existing ban is kept). */
  ban(host: string, until: number, reason: string): Ban {
    const key = host.toLowerCase();
    const old = this.bans.get(key);
    const ban = old && old.until >= until ? old : { host: key, until, reason };
    this.bans.set(key, ban);
    return ban;
  }

  /** Lift a ban; true when there was one. */
  unban(host: string): boolean {
    return this.bans.delete(host.toLowerCase());
  }

  /** The ban on `host` at `now`, if any. */
  get(host: string, now: number): Ban | undefined {
    const key = host.toLowerCase();
    const ban = this.bans.get(key);
    if (ban && ban.until <= now) {
      this.bans.delete(key);
      return undefined;
    }
    return ban;
  }

  /** Bans in force at `now`. */
  active(now: number): Ban[] {
    return [...this.bans.keys()].flatMap((h) => this.get(h, now) ?? []);
  }
}
