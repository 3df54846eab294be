/**
 * `npm run bench [-- --only codec,chain,relay,spv,scale] [--mode alone,shared,orders] [--rounds N] [--peers N] [--soak S]`
 *
 * codec: the same bytes decoded and encoded by rxbtc, bcoin (as shipped and
 * with node:crypto + full blocks), bitcoinjs-lib and bitcore-p2p, each alone
 * in a child process and all in one process; min/median/max per side and a
 * MET/MISS line per target. v2: BIP324 against v1 on the same streams. chain: header validation and sync. spv: BIP158
 * matching, bloom tests and merkle proofs against bcoin's golomb and bfilter. pool: cold start, memory per peer
 * with 125 held, event-loop lag under churn. recovery: a wallet recovered from its birthday over 900,000 synthetic blocks. footprint: the command line's start, what importing the library loads, the published package, a browser bundle of the wallet path. install (only when named): npm ci && npm run demo from an empty cache. many-peers (only when named): the same over a simulated internet of 8 shaped peers against the fastest alone. relay: a full mempool view's memory against its budget, compact-block rebuild time. bundle: min+gzip size of a browser bundle. scale: 1,000 peers on loopback (see scale.ts).
 */
import { parseArgs } from 'node:util';
import { calibrate, formatCalibration } from './calibrate.js';
import { chooseCpu, formatPin, whilePinned } from './cpu.js';
import { runBundle } from './bundle-run.js';
import { runChain } from './chain.js';
import { runCodec, type CodecMode } from './codec/run.js';
import { runPool } from './pool.js';
import { runScale } from './scale.js';
import { runSpv } from './spv.js';
import { runRecovery } from './recovery.js';
import { runFirstInstall, runFootprint } from './footprint.js';
import { runManyPeers } from './many-peers.js';
import { runRelay } from './relay.js';
import { runState } from './state.js';
import { runV2 } from './v2.js';

const SECTIONS = [
  'codec',
  'v2',
  'chain',
  'state',
  'recovery',
  'footprint',
  'install',
  'many-peers',
  'relay',
  'spv',
  'pool',
  'bundle',
  'scale',
] as const;
/**
 * Sections run only when named in --only: many-peers builds a 440 MB chain cache once and takes minutes a round; install
 * clones the repository and fetches every package from the registry.
 */
const ON_REQUEST: readonly string[] = ['many-peers', 'install'];
const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    mode: { type: 'string', default: 'alone,shared,orders' },
    rounds: { type: 'string', default: '7' },
    peers: { type: 'string', default: '1000' },
    soak: { type: 'string', default: '30' },
  },
});
const only = values.only?.split(',') ?? SECTIONS.filter((s) => !ON_REQUEST.includes(s));
const modes = values.mode.split(',') as CodecMode[];
const rounds = Number(values.rounds);
const peers = Number(values.peers);
const soakSeconds = Number(values.soak);
if (
  !only.every((s) => (SECTIONS as readonly string[]).includes(s)) ||
  !modes.every((m) => ['alone', 'shared', 'orders'].includes(m)) ||
  !(rounds >= 1) ||
  !(peers > 0) ||
  !(soakSeconds >= 0)
) {
  console.error(
    'usage: npm run bench -- [--only codec,v2,chain,state,recovery,footprint,install,many-peers,relay,spv,pool,bundle,scale] [--mode alone,shared,orders] [--rounds N] [--peers N] [--soak SECONDS]',
  );
  process.exit(2);
}
console.log(formatCalibration(calibrate(rounds)));
if (only.includes('codec')) await runCodec({ modes, rounds });
if (only.includes('v2')) {
  // In this process, on one CPU: v1 and v2 alternate round by round there (see cpu.ts on why it matters).
  const pin = chooseCpu();
  console.log(`v2: ${formatPin(pin)}`);
  for (const { met, line } of await whilePinned(pin, () => runV2(rounds))) console.log(`${met ? 'MET ' : 'MISS'} ${line}`);
}
if (only.includes('chain')) for (const { met, line } of await runChain(rounds)) console.log(`${met ? 'MET ' : 'MISS'} ${line}`);
if (only.includes('state')) for (const { met, line } of await runState(rounds)) console.log(`${met ? 'MET ' : 'MISS'} ${line}`);
if (only.includes('recovery')) for (const { met, line } of await runRecovery(rounds)) console.log(`${met ? 'MET ' : 'MISS'} ${line}`);
if (only.includes('footprint'))
  for (const { met, line } of await runFootprint(rounds)) console.log(`${met === undefined ? '    ' : met ? 'MET ' : 'MISS'} ${line}`);
if (only.includes('install'))
  for (const { met, line } of runFirstInstall()) console.log(`${met === undefined ? '    ' : met ? 'MET ' : 'MISS'} ${line}`);
if (only.includes('many-peers')) for (const { met, line } of await runManyPeers()) console.log(`${met ? 'MET ' : 'MISS'} ${line}`);
if (only.includes('relay')) for (const { met, line } of await runRelay(rounds)) console.log(`${met ? 'MET ' : 'MISS'} ${line}`);
if (only.includes('spv')) for (const { met, line } of runSpv(rounds)) console.log(`${met ? 'MET ' : 'MISS'} ${line}`);
if (only.includes('pool')) for (const { met, line } of await runPool(rounds)) console.log(`${met ? 'MET ' : 'MISS'} ${line}`);
if (only.includes('bundle'))
  for (const { met, line } of await runBundle()) console.log(`${met === undefined ? '    ' : met ? 'MET ' : 'MISS'} ${line}`);
if (only.includes('scale')) await runScale({ peers, soakSeconds });
