import type { Checkpoint } from '../chain/params.js';
import type { Endpoint } from '../pool/endpoint.js';
import { endpointKey } from '../pool/endpoint.js';
import { DEFAULT_OUTBOUND } from '../pool/pool-options.js';
import { createPool, type Pool } from '../pool/pool.js';
import type { Network } from '../wire/networks.js';

/** What a command says about its pool: `--peers`, `--dns-seed` and the named peers. */
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

/** What `headers`, `watch` and `notify` are given alike: their pool, where they keep the chain, how they print. */
export interface ChainPeerArguments extends PoolArguments {
  /** Folder of the chain's files, or undefined for memory only. */
  datadir: string | undefined;
  /** JSON lines. */
  json: boolean;
  /** Start a new chain at this block (`--checkpoint HEIGHT:HASH`). */
  checkpoint?: Checkpoint | undefined;
}

/** How soon a peer that went away is dialled again: 1 s after the first failure, doubling, at most 10 s (with jitter). */
export const CLI_BACKOFF = { base: 1000, max: 10_000 } as const;

/** Connections a command keeps: `--peers`, else 8 with `--dns-seed`, else one per named peer (at most 8). */
export function poolTarget(args: PoolArguments): number {
  return args.outbound ?? (args.dnsSeed ? DEFAULT_OUTBOUND : Math.max(1, Math.min(args.peers.length, DEFAULT_OUTBOUND)));
}

/**
 * The pool of a command: the named peers (only those unless `--dns-seed`,
 * which also asks the DNS seeds and dials learned addresses), {@link poolTarget}
 * connections, each peer that goes away redialled with {@link CLI_BACKOFF}
 * for as long as the command runs.
 */
export function cliPool(args: PoolArguments): Pool {
  return createPool({
    network: args.network,
    connect: args.peers.map(endpointKey),
    outbound: poolTarget(args),
    dnsSeeds: args.dnsSeed,
    discover: args.dnsSeed, // with named peers only, talk to those
    backoff: CLI_BACKOFF,
  });
}
