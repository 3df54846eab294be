/**
 * The many-peers bench's internet, in its own process so the recovering
 * process is measured alone: one BIP157 server over the cached chain
 * (rxbtc's own serveHeaders/serveCompactFilters) with a second, lying
 * listener, behind eight simulated peers of the simnet (peer-layout.ts).
 *
 * argv: CHAIN_FILE FILTER_FILE. IPC: sends {@link NetworkReady} once
 * listening, then a {@link ServedReport} for each server connection that
 * ends; answers `{ type: 'stats' }` with a {@link StatsReport}.
 */
import type { SimPeerStats } from '../../spec/helpers/simnet/index.js';
import { listenBip157, type ServedConnection } from './bip157-listener.js';
import { openCachedChain } from './cached-chain.js';
import { CHECKPOINT_HEIGHT, LIE_HEIGHT } from './chain-layout.js';
import { honestSource, lyingSource } from './filter-sources.js';
import { minimumBytes, type MinimumBytes } from './minimum-bytes.js';
import { startSimPeers } from './sim-peers.js';

/** Sent once the peers listen. */
export interface NetworkReady {
  type: 'ready';
  /** `host:port` of each simulated peer, in PEERS order. */
  addresses: string[];
  /** Hash of the checkpoint block (hex, display order). */
  checkpoint: string;
  /** The least a recovery receives. */
  minimum: Record<'v1' | 'v2', MinimumBytes>;
}
/** A server connection ended (the liar's listener or the honest one). */
export interface ServedReport extends ServedConnection {
  type: 'served';
  liar: boolean;
}
/** Each simulated peer's counters, in PEERS order. */
export interface StatsReport {
  type: 'stats';
  peers: SimPeerStats[];
}
/** Messages from the network process. */
export type FromNetwork = NetworkReady | ServedReport | StatsReport;
/** Messages to it. */
export interface ToNetwork {
  type: 'stats';
}

const send = (m: FromNetwork): void => void process.send?.(m);

const [chainFile, filterFile] = process.argv.slice(2);
const cached = await openCachedChain({ chain: chainFile!, filters: filterFile! });
const honestPort = await listenBip157(cached.chain, honestSource(cached), (c) => send({ type: 'served', liar: false, ...c }));
const liarPort = await listenBip157(cached.chain, lyingSource(cached, LIE_HEIGHT), (c) => send({ type: 'served', liar: true, ...c }));
const net = await startSimPeers(honestPort, liarPort);
process.on('message', () => send({ type: 'stats', peers: net.peers().map((p) => p.stats()) }));
process.on('disconnect', () => process.exit(0));
send({
  type: 'ready',
  addresses: net.peers().map((p) => `${p.host}:${p.port}`),
  checkpoint: cached.chain.header(CHECKPOINT_HEIGHT)!.hashHex,
  minimum: minimumBytes(cached),
});
