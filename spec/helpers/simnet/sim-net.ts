import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { seededRandom } from './seeded-random.js';
import { startSimPeer, type SimPeer, type SimPeerOptions } from './sim-peer.js';

/** Options of {@link createSimNet}. */
export interface SimNetOptions {
  /** The second byte of the first peer's address (127.N.0.1); each next peer takes the next /16. @default 10 */
  firstNetgroup?: number;
  /** The clock the shaping runs on. @default asyncScheduler (real time) */
  scheduler?: SchedulerLike;
  /** Seed of the jitter draws. @default 1 */
  seed?: number;
}

/** A simulated internet on loopback: peers with their own latency, bandwidth and faults. */
export interface SimNet {
  /**
   * Add a peer on the next free /16 of 127.0.0.0/8 (127.10.0.1, 127.11.0.1, …: Linux answers the whole range), forwarding
   * every connection it accepts to `options.upstream` through its shaping.
   * @throws RangeError when no /16 is left, or for bad link numbers or faults
   */
  addPeer(options: SimPeerOptions): Promise<SimPeer>;
  /** The peers added so far, in order. */
  peers(): readonly SimPeer[];
  /** Close every peer. */
  close(): Promise<void>;
}

/**
 * A simulated internet: this kernel has no netem, so latency, bandwidth,
 * jitter and faults are applied in user space by a shaping TCP proxy per
 * simulated peer, each on a loopback address in a netgroup of its own.
 * @example
 * ```ts
 * const net = createSimNet();
 * const peer = await net.addPeer({ upstream: { host: '127.0.0.1', port: 18444 }, latencyMs: 40, bandwidth: { down: 2e6, up: 5e5 } });
 * // connect to `${peer.host}:${peer.port}`
 * await net.close();
 * ```
 */
export function createSimNet(options: SimNetOptions = {}): SimNet {
  const first = options.firstNetgroup ?? 10;
  if (!Number.isInteger(first) || first < 1 || first > 255) throw new RangeError(`firstNetgroup ${first} is not in 1–255`);
  const context = { scheduler: options.scheduler ?? asyncScheduler, random: seededRandom(options.seed ?? 1) };
  const peers: SimPeer[] = [];
  let next = first;
  return {
    addPeer: async (peerOptions) => {
      if (next > 255) throw new RangeError('every /16 of 127.0.0.0/8 from firstNetgroup on is taken');
      const host = `127.${next++}.0.1`;
      const peer = await startSimPeer(host, peerOptions, context);
      peers.push(peer);
      return peer;
    },
    peers: () => peers,
    close: async () => {
      await Promise.all(peers.map((p) => p.close()));
    },
  };
}
