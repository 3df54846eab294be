import { endpointKey, type Endpoint } from './endpoint.js';

/**
 * The endpoints the caller named in `connect`: Bitcoin Core's manual
 * connections (`-connect`, `-addnode`). The pool keeps every one of them
 * connected, whatever its netgroup (two named nodes on 127.0.0.1 are both
 * dialled), and bans a misbehaving one by its endpoint alone (host:port),
 * so that one lying node does not cost the other named nodes on its host.
 * Their netgroups still count as taken for the addresses the pool picks by
 * itself, as Core counts its manual peers' netgroups.
 */
export class NamedPeers {
  /** The named endpoints, each once, in the caller's order. */
  readonly endpoints: readonly Endpoint[];
  private readonly keys: ReadonlySet<string>;

  /** @param endpoints - the `connect` endpoints; repeats are kept once */
  constructor(endpoints: readonly Endpoint[]) {
    const byKey = new Map<string, Endpoint>();
    for (const e of endpoints) if (!byKey.has(namedKey(e))) byKey.set(namedKey(e), e);
    this.endpoints = [...byKey.values()];
    this.keys = new Set(byKey.keys());
  }

  /** How many distinct endpoints were named. */
  get size(): number {
    return this.endpoints.length;
  }

  /** Whether `address` is a named endpoint (host compared without case). */
  has(address: Endpoint): boolean {
    return this.keys.has(namedKey(address));
  }
}

/** An endpoint's key with its host in lower case. */
const namedKey = (e: Endpoint): string => endpointKey({ host: e.host.toLowerCase(), port: e.port });
