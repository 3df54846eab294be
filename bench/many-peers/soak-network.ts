/**
 * The soak's internet, in its own process: the cached chain growing live
 * (live-chain.ts) served by one BIP157 server and a liar (whose filters of
 * live blocks paying the wallet leave the payment out, their headers
 * honest) behind the eight simulated peers, with transactions relayed.
 *
 * argv: CHAIN_FILE FILTER_FILE. IPC: sends `ready` (addresses, the tip's
 * hash), then on `{ type: 'soak', plan }` a `block` message per step and
 * `done` with where each payment ended up; `stats` answered as network.ts does.
 */
import { GcsFilter, basicFilterItems, blockHash, bytesEqual } from '../../lib/index.js';
import { walletScripts } from '../recovery/wallet-chain.js';
import { listenBip157 } from './bip157-listener.js';
import { openCachedChain } from './cached-chain.js';
import { LiveChain, type LiveBlock } from './live-chain.js';
import type { StatsReport } from './network.js';
import { startSimPeers } from './sim-peers.js';
import { runSoakPlan, type SoakPayment, type SoakPlan } from './soak-schedule.js';
import { TxRelay } from './tx-relay.js';

/** Messages from the soak network. */
export type FromSoakNetwork =
  | { type: 'ready'; addresses: string[]; tipHeight: number; tipHash: string }
  | { type: 'block'; height: number }
  | { type: 'done'; payments: SoakPayment[] }
  | StatsReport;
/** Messages to it. */
export type ToSoakNetwork = { type: 'soak'; plan: SoakPlan } | { type: 'stats' };

const send = (m: FromSoakNetwork): void => void process.send?.(m);
const wallet = walletScripts();

/** The liar's filter for a live block that pays the wallet: built without the payment. */
function lie(b: LiveBlock): Uint8Array | undefined {
  const items = basicFilterItems(b.block, []);
  const kept = items.filter((s) => !wallet.some((w) => bytesEqual(w, s)));
  return kept.length === items.length ? undefined : GcsFilter.build(kept, blockHash(b.block.header)).encoded;
}

const [chainFile, filterFile] = process.argv.slice(2);
const live = new LiveChain(await openCachedChain({ chain: chainFile!, filters: filterFile! }));
const relay = new TxRelay();
const ignore = (): void => undefined;
const honestPort = await listenBip157(live.chain, live.source(), ignore, (p) => relay.add(p));
const liarPort = await listenBip157(live.chain, live.source(lie), ignore, (p) => relay.add(p));
const net = await startSimPeers(honestPort, liarPort);
process.on('message', (m: ToSoakNetwork) => {
  if (m.type === 'stats') send({ type: 'stats', peers: net.peers().map((p) => p.stats()) });
  else
    void runSoakPlan(live, relay, m.plan, (height) => send({ type: 'block', height })).then((payments) => send({ type: 'done', payments }));
});
process.on('disconnect', () => process.exit(0));
send({
  type: 'ready',
  addresses: net.peers().map((p) => `${p.host}:${p.port}`),
  tipHeight: live.chain.height,
  tipHash: live.chain.tip.hashHex,
});
