import { join } from 'node:path';
import type { WalletKind } from './recovery/wallet-chain.js';
import { fmt } from './spread.js';
import { chainCache, ensureChainCache, type ChainCache } from './many-peers/chain-cache.js';
import { BIRTHDAY, CHAIN_LENGTH, CHECKPOINT_HEIGHT, HEAVY_FROM, LIE_HEIGHT } from './many-peers/chain-layout.js';
import { totalOf } from './many-peers/minimum-bytes.js';
import { startNetwork, type NetworkProcess } from './many-peers/network-process.js';
import { lowerBoundMs } from './many-peers/lower-bound.js';
import { DROP_EVERY_MS, MB, PEERS, STALL_AFTER_BYTES, fastestPeer, goodPeers } from './many-peers/peer-layout.js';
import { recoveryRun, type RecoveryRun } from './many-peers/recovery-run.js';
import { printKind, targetsOf, type KindResult, type Target } from './many-peers/report.js';
import { runSoak } from './many-peers/soak.js';

/** Rounds per way of recovering: 3, or `RXBTC_BENCH_MANY_PEERS_ROUNDS` (a round through one peer alone takes minutes). */
const roundsOf = (): number => Math.max(1, Math.floor(Number(process.env['RXBTC_BENCH_MANY_PEERS_ROUNDS'] ?? 3)) || 3);
/** Parts run: `RXBTC_BENCH_MANY_PEERS_PARTS` (`recovery`, the default, and/or `soak`). */
const partsOf = (): string[] => (process.env['RXBTC_BENCH_MANY_PEERS_PARTS'] ?? 'recovery').split(',');
/** Wallets recovered: `RXBTC_BENCH_MANY_PEERS_WALLETS` (`scripts,descriptor`, the default). */
const kindsOf = (): WalletKind[] =>
  (process.env['RXBTC_BENCH_MANY_PEERS_WALLETS'] ?? 'scripts,descriptor')
    .split(',')
    .filter((k): k is WalletKind => k === 'scripts' || k === 'descriptor');

function describe(): void {
  console.log(
    `\nmany peers — wallet recovery over a simulated internet: ${fmt(CHAIN_LENGTH)} synthetic regtest blocks (heavy from ${fmt(HEAVY_FROM)}: BIP158 filters of 15–25 KB), birthday ${fmt(BIRTHDAY)}, checkpoint ${fmt(CHECKPOINT_HEIGHT)}; one rxbtc BIP157 server (another process) behind 8 shaped peers:`,
  );
  for (const p of PEERS) {
    const fault =
      p.fault === 'stall'
        ? `; stalls after ${fmt(STALL_AFTER_BYTES / MB)} MB per connection, socket open`
        : p.fault === 'drop'
          ? `; drops each connection after ${DROP_EVERY_MS / 1000} s`
          : p.fault === 'lie'
            ? `; lies: filter of ${fmt(LIE_HEIGHT)} without the payment, committed in its filter headers`
            : '';
    console.log(`  ${p.name}: ${fmt(p.down / MB, 2)} MB/s down, ${p.latencyMs} ms one way (+ ≤ ${p.latencyMs / 10} ms jitter)${fault}`);
  }
  const good = goodPeers().reduce((s, p) => s + p.down, 0);
  console.log(
    `  good peers (neither the staller nor the liar): ${fmt(good / MB, 2)} MB/s; the fastest alone (${fastestPeer().name}) is ${fmt((100 * fastestPeer().down) / good, 0)} % of it`,
  );
}

/** Rounds of one wallet kind: through all peers and through the fastest alone, interleaved. */
async function recoverKind(network: NetworkProcess, kind: WalletKind, rounds: number): Promise<Omit<KindResult, 'least' | 'bound'>> {
  const fastest = network.addresses[PEERS.indexOf(fastestPeer())]!;
  const many: RecoveryRun[] = [];
  const single: RecoveryRun[] = [];
  const least = totalOf(network.minimum.v2);
  // A run still going at 2.5× the single-peer bound (+ 60 s) is stopped and reported.
  const deadline = 2.5 * lowerBoundMs(least, [fastestPeer()]) * (kind === 'descriptor' ? 1.5 : 1) + 60_000;
  for (let round = 0; round < rounds; round++) {
    many.push(await recoveryRun(network, network.addresses, kind, deadline));
    single.push(await recoveryRun(network, [fastest], kind, deadline));
    console.log(
      `  ${kind} round ${round + 1}: ${[many.at(-1)!, single.at(-1)!].map((r) => (r.ok ? `${fmt(r.ms / 1000, 1)} s` : 'failed')).join(' (8 peers), ')} (alone)`,
    );
  }
  return { kind, many, single };
}

/**
 * The many-peers recovery bench (`--only many-peers`): the chain cache built
 * once under .bench-cache/, the network process started, then for each
 * wallet kind `rxbtc watch` through all eight simulated peers and through
 * the fastest alone, a fresh datadir each round, against the lower bound;
 * with `RXBTC_BENCH_MANY_PEERS_PARTS=soak` (or `recovery,soak`) the soak
 * (soak.ts) too.
 */
export async function runManyPeers(): Promise<Target[]> {
  describe();
  const cache = chainCache(join(process.cwd(), '.bench-cache'));
  const built = ensureChainCache(cache, (h) => console.log(`  building the chain cache: ${fmt(h)} / ${fmt(CHAIN_LENGTH)}`));
  console.log(
    `  chain cache ${built.built ? 'built' : 'found'} in ${fmt(built.ms / 1000, 1)} s (${fmt(built.bytes / MB, 0)} MB under .bench-cache/)`,
  );
  const targets: Target[] = [];
  if (partsOf().includes('recovery')) targets.push(...(await recoveries(cache)));
  if (partsOf().includes('soak')) targets.push(...(await runSoak(cache)));
  return targets;
}

/** Every wallet kind's rounds, reported. */
async function recoveries(cache: ChainCache): Promise<Target[]> {
  const network = await startNetwork(cache);
  const targets: Target[] = [];
  try {
    for (const kind of kindsOf()) {
      const result = await recoverKind(network, kind, roundsOf());
      const transports = new Set(network.served.filter((s) => s.bytesSent > 1e6).map((s) => s.transport));
      const transport = transports.size === 1 && transports.has('v1') ? 'v1' : 'v2';
      const least = totalOf(network.minimum[transport]);
      const bound = { many: lowerBoundMs(least, goodPeers()), single: lowerBoundMs(least, [fastestPeer()]) };
      const full: KindResult = { ...result, least, bound };
      console.log(
        `\n${kind === 'scripts' ? '100 scripts' : 'HD wallet (wpkh descriptor, gap limit 20)'}, over ${transport}; min / median / max`,
      );
      printKind(full);
      targets.push(...targetsOf(full));
    }
  } finally {
    network.close();
  }
  return targets;
}
