import type { Endpoint } from '../pool/endpoint.js';
import { endpointKey } from '../pool/endpoint.js';
import { DEFAULT_OUTBOUND } from '../pool/pool-options.js';
import { createPool, type Pool } from '../pool/pool.js';
import type { Network } from '../wire/networks.js';
import type { EventWriter } from './output.js';

/** What `headers` and `watch` say about their pool: `--peers`, `--dns-seed` and the named peers. */
export interface PoolArguments {
  /** Named peers (may be empty with `dnsSeed`). */
  peers: Endpoint[];
  /** `--peers N`. */
  outbound?: number | undefined;
  /** `--dns-seed`. */
  dnsSeed: boolean;
  /** Network. */
  network: Network;
}

/**
 * The pool of a command: the named peers (only those unless `--dns-seed`,
 * which also asks the DNS seeds and dials learned addresses), `--peers`
 * connections (default `fallback`), bans written as `banned` events.
 */
export function cliPool(args: PoolArguments, out: EventWriter, fallback = DEFAULT_OUTBOUND): Pool {
  const pool = createPool({
    network: args.network,
    connect: args.peers.map(endpointKey),
    outbound: args.outbound ?? fallback,
    dnsSeeds: args.dnsSeed,
    discover: args.dnsSeed, // with named peers only, talk to those
    backoff: { base: 1000, max: 10_000 },
  });
  pool.events$.subscribe((e) => {
    if (e.type === 'banned')
      out('banned', `${e.host} banned: ${e.reason}`, { peer: e.host, reason: e.reason, until: new Date(e.until).toISOString() });
  });
  return pool;
}
