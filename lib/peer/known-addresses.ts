import { toHex } from '../wire/hex.js';
import { ipToString } from '../wire/netaddress.js';
import { MAX_KNOWN_ADDRESSES } from './constants.js';
import { MruSet } from './mru-set.js';

/** An address as `addr` (an IP) or `addrv2` (any network's bytes) carries it, with its port. */
export interface KnownAddress {
  /** An `addr` entry's IP. */
  ip?: Uint8Array;
  /** An `addrv2` entry's address bytes. */
  address?: Uint8Array;
  /** Port. */
  port: number;
}

/**
 * The addresses a peer has sent us or we have sent it, most recent
 * {@link MAX_KNOWN_ADDRESSES} (btcd's knownAddresses): none is sent to it
 * again. The set is made on first use (most peers never gossip).
 */
export class KnownAddresses {
  private set: MruSet<string> | undefined;

  /** Whether `a` is known. */
  has(a: KnownAddress): boolean {
    return this.set?.has(keyOf(a)) ?? false;
  }

  /** Remember `a` (the oldest is forgotten past the limit). */
  add(a: KnownAddress): void {
    (this.set ??= new MruSet(MAX_KNOWN_ADDRESSES)).add(keyOf(a));
  }
}

/** `ip:port` for an `addr` entry, `hex:port` for an `addrv2` one. */
function keyOf(a: KnownAddress): string {
  return `${a.ip ? ipToString(a.ip) : toHex(a.address ?? new Uint8Array(0))}:${a.port}`;
}
