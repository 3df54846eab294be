import type { VirtualTimeScheduler } from 'rxjs';
import {
  MruSet,
  TransportError,
  createPeer,
  createPool,
  memoryPair,
  networks,
  type Dialer,
  type Peer,
  type PeerConfig,
  type Pool,
  type PoolEvent,
  type PoolOptions,
} from '../../lib/index.js';
import { virtualClock } from './virtual-time.js';

const network = networks.regtest;

/** How a fake remote behaves: its peer settings (services, height…) and a hook on each accepted peer. */
export type FakeRemote = Partial<PeerConfig> & { onPeer?: (p: Peer) => void };

/** A fake network for pool tests, on a virtual clock (see {@link poolWorld}). */
export interface PoolWorld {
  /** Every timer of the pools and peers. */
  readonly clock: VirtualTimeScheduler;
  /** Host → how its far side behaves; a host absent here refuses connections. */
  readonly remotes: Map<string, FakeRemote>;
  /** Far-side peers, one per accepted dial. */
  readonly served: { host: string; peer: Peer }[];
  /** Every dial, in order, with its virtual time. */
  readonly dials: { host: string; at: number }[];
  /** A pool dialling this world (regtest, `random` fixed at 0.999, no DNS seeds unless asked); its events recorded. */
  pool(options?: Partial<PoolOptions>): { pool: Pool; events: PoolEvent[] };
  /** The connected far sides at `host`. */
  live(host: string): Peer[];
  /** Close every pool made. */
  closeAll(): Promise<void>;
}

/** A fake network of rxbtc peers on memory pairs: host → how its far side behaves. */
export function poolWorld(clock: VirtualTimeScheduler = virtualClock()): PoolWorld {
  const remotes = new Map<string, FakeRemote>();
  const served: { host: string; peer: Peer }[] = [];
  const dials: { host: string; at: number }[] = [];
  const dial: Dialer = async (t, onPeer) => {
    dials.push({ host: t.host, at: clock.now() });
    const remote = remotes.get(t.host);
    if (!remote) throw new TransportError('connect-failed', `connection refused by ${t.host}`);
    const [ours, theirs] = memoryPair({ names: [`${t.host}:${t.port}`, `127.0.0.1:40000`] });
    const { onPeer: onRemote, ...config } = remote;
    const far = createPeer(theirs, { network, inbound: true, transport: 'v1', scheduler: clock, sentNonces: new MruSet(50), ...config });
    served.push({ host: t.host, peer: far });
    onRemote?.(far);
    const peer = createPeer(ours, { network, inbound: false, transport: 'v1', scheduler: clock, sentNonces: new MruSet(50) });
    onPeer(peer);
    await peer.handshake;
    return peer;
  };
  const pools: Pool[] = [];
  const pool = (options: Partial<PoolOptions> = {}): { pool: Pool; events: PoolEvent[] } => {
    const p = createPool({ network, dial, scheduler: clock, random: () => 0.999, dnsSeeds: false, ...options });
    const events: PoolEvent[] = [];
    p.events$.subscribe((e) => events.push(e));
    pools.push(p);
    return { pool: p, events };
  };
  const live = (host: string): Peer[] => served.filter((s) => s.host === host && s.peer.connected).map((s) => s.peer);
  const closeAll = async (): Promise<void> => {
    await Promise.all(pools.map((p) => p.close()));
  };
  return { clock, remotes, served, dials, pool, live, closeAll };
}

/** `n` hosts `127.<from + i>.0.1`, each in its own /16. */
export const hosts = (n: number, from = 1): string[] => Array.from({ length: n }, (_, i) => `127.${from + i}.0.1`);
