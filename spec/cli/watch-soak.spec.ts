import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashToHex, networks, scriptToAddress, txid, type Transaction } from '../../lib/index.js';
import { cliBundle } from '../helpers/cli-bundle.js';
import { startFilterNode, type FilterNode } from '../helpers/filter-node.js';
import { sampleRss } from '../helpers/rss-sampler.js';
import { createSimNet, type SimNet, type SimPeerOptions } from '../helpers/simnet/index.js';
import type { Payment } from '../helpers/synthetic-blocks.js';
import { txHistoryProblems, txLinesOf, type FinalPlace } from '../helpers/tx-history.js';
import { walletTxsIn } from '../helpers/wallet-blocks.js';
import { startCli, within, type CliChild, type Line } from './fixtures/cli-child.js';

/*
 * A short soak, run in CI: `rxbtc watch --datadir` as a child process (the command a user runs for months: its pool
 * keeps the named peers, redials the ones that go, and its memory is its own, measured as the child's RSS) recovers,
 * then follows a chain the project's BIP157 node grows live, through six simulated peers of mixed latency and
 * bandwidth: one stalls after some bytes, one drops every few seconds, one comes and goes (refused while away), one
 * fronts a second node that lies about every filter. Payments are relayed before they are mined, one spends an earlier
 * one, strangers' transactions pass by, and every 12 blocks a reorganisation of depth 1–3 (half of them keeping the
 * peers connected and announcing the new tip, half dropping every peer as a restarting node does) replaces blocks
 * holding payments the watch has already told, carrying their transactions into the new branch. The story it tells
 * must be the watch's contract, transaction by transaction (spec/helpers/tx-history.ts).
 */
const network = networks.regtest;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const MiB = 1024 * 1024;
const PREMINE = 400;
const LIVE_STEPS = 48;
const REORG_EVERY = 12;

const watched = Uint8Array.from([0x00, 0x14, ...randomBytes(20)]);
const address = scriptToAddress(watched, network)!;
const stranger = (): Uint8Array => Uint8Array.from([0x00, 0x14, ...randomBytes(20)]);

/** `n` outputs to scripts of nobody (filters of a few hundred bytes), and a coinbase payment to the wallet every 7th height. */
const outputs =
  (n: number) =>
  (height: number): Payment[] => {
    const out = Array.from({ length: n }, (_, i) => {
      const script = new Uint8Array(22);
      script[1] = 0x14;
      new DataView(script.buffer).setUint32(2, height);
      new DataView(script.buffer).setUint32(6, i);
      return { script, value: 1000n };
    });
    return height % 7 === 3 ? [...out, { script: watched, value: 50_000n + BigInt(height) }] : out;
  };

/** A transaction spending `outpoint` to `script`. */
const spend = (from: { txid: Uint8Array; vout: number }, script: Uint8Array, value: bigint): Transaction => ({
  version: 2,
  inputs: [{ txid: from.txid, vout: from.vout, script: Uint8Array.of(0x51), sequence: 0xfffffffd, witness: [] }],
  outputs: [{ value, script }],
  lockTime: 0,
});

let bundle: string;
let node: FilterNode;
let liar: FilterNode;
let net: SimNet | undefined;
let dir: string;
let watch: CliChild | undefined;
beforeAll(async () => {
  bundle = await cliBundle();
  node = await startFilterNode();
  liar = await startFilterNode({ lie: (h) => h > 0 }); // the same blocks, every filter an empty one its headers do not commit to
  await Promise.all([node.mine(PREMINE, outputs(100)), liar.mine(PREMINE, outputs(100))]);
  dir = mkdtempSync(join(tmpdir(), 'rxbtc-soak-'));
}, 60_000);
afterAll(async () => {
  watch?.child.kill('SIGKILL');
  await net?.close();
  await node.close();
  await liar.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Both nodes grow the same way (the liar's blocks are the honest node's, only its filters lie). */
const both = (act: (n: FilterNode) => Promise<void>): Promise<unknown> => Promise.all([act(node), act(liar)]);
const isTx = (id: string, status: string) => (l: Line) => l['event'] === 'tx' && l['txid'] === id && l['status'] === status;
const confirmedIn = (id: string, place: FinalPlace) => (l: Line) => isTx(id, 'confirmed')(l) && l['blockHash'] === place.blockHash;

describe('rxbtc watch, a short soak on a simulated internet (CI)', () => {
  it('follows a live chain through stalling, dropping, coming-and-going and lying peers and reorganisations of depth 1–3: every payment told once where it ends up, memory flat', async () => {
    const sim = (net = createSimNet({ firstNetgroup: 120, seed: 7 }));
    const to = (n: FilterNode, latencyMs: number, kBps: number): SimPeerOptions => ({
      upstream: { host: '127.0.0.1', port: n.port },
      latencyMs,
      jitterMs: 5,
      bandwidth: { down: kBps * 1000, up: 200_000 },
    });
    const fast = await sim.addPeer(to(node, 20, 2000));
    const slow = await sim.addPeer(to(node, 150, 150));
    const staller = await sim.addPeer({ ...to(node, 40, 1000), faults: { stallAfterBytes: 40_000 } });
    const dropper = await sim.addPeer({ ...to(node, 60, 600), faults: { dropEveryMs: 3000 } });
    const comer = await sim.addPeer(to(node, 30, 1000));
    const lying = await sim.addPeer(to(liar, 25, 1000));
    const hosts = [fast, slow, staller, dropper, comer, lying].map((p) => `${p.host}:${p.port}`);

    const args = ['watch', ...hosts, '--network', 'regtest', '--address', address, '--from', '1', '--datadir', dir];
    watch = startCli(bundle, args);
    const w = watch;
    await w.next((l) => l['event'] === 'balance', 'recovered (balance line)', 40_000);

    // Live: the comer goes away and comes back every 2 s; blocks every step; payments relayed first.
    let away = false;
    const churn = setInterval(() => {
      away = !away;
      void comer.setFaults(away ? { refuse: true } : {});
    }, 2000);
    const rss = sampleRss(w.child.pid!);
    const liveStart = performance.now();
    const everWallet = new Map<string, FinalPlace>();
    const unspent = node.blocks.slice(1, PREMINE - 10).map((b) => ({ txid: txid(b.transactions[0]!), vout: 0 }));
    const payments: Transaction[] = [];
    let reorgs = 0;
    let fromMempool = 0;
    try {
      for (let step = 1; step <= LIVE_STEPS; step++) {
        const ours: Transaction[] = [];
        if (step % 4 === 0) {
          const pay = spend(unspent.pop()!, watched, 100_000n + BigInt(step));
          payments.push(pay);
          ours.push(pay);
        }
        if (step === 10) ours.push(spend({ txid: txid(payments[0]!), vout: 0 }, stranger(), 90_000n)); // the wallet spends
        const txs = step % 5 === 2 ? [...ours, spend(unspent.pop()!, stranger(), 1000n)] : ours; // and one of nobody's
        for (const tx of txs) node.relay(tx);
        const seen = await Promise.all(
          ours.map((tx) =>
            w.next(isTx(hashToHex(txid(tx)), 'mempool'), 'mempool', 5000).then(
              () => 1,
              () => 0, // a relay can miss (the peer that announced it dropped): the block tells it anyway
            ),
          ),
        );
        fromMempool += seen.reduce((a, b) => a + b, 0);
        await both((n) => n.mine(1, outputs(20), { txs: () => txs }));
        if (step % REORG_EVERY === 0) {
          // Only once the watch told every wallet transaction so far: the reorganisation then takes confirmations back.
          const now = walletTxsIn(node.blocks, watched);
          for (const [id, place] of now) everWallet.set(id, place);
          for (const [id, place] of now) await w.next(confirmedIn(id, place), `confirmed ${id} before reorg ${reorgs}`, 30_000);
          const depth = 1 + (reorgs % 3);
          const fork = node.height - depth;
          const carried = node.blocks.slice(fork + 1).flatMap((b) => b.transactions.slice(1));
          const keepPeers = reorgs % 2 === 0;
          await both((n) => n.reorg(fork, depth + 1, outputs(20), { keepPeers, txs: (h) => (h === fork + 1 ? carried : []) }));
          reorgs++;
        }
        await sleep(150);
      }
    } finally {
      clearInterval(churn);
    }
    await comer.setFaults({});
    const liveEnd = performance.now();
    const final = walletTxsIn(node.blocks, watched);
    for (const [id, place] of final) everWallet.set(id, place);
    const gone = new Set([...everWallet.keys()].filter((id) => !final.has(id)));
    for (const [id, place] of final) await w.next(confirmedIn(id, place), `confirmed ${id} at the end`, 30_000);
    rss.stop();
    w.child.kill('SIGINT');
    expect(await within(w.exited, 15_000, 'exit after Ctrl-C')).toBe(0);

    const told = txLinesOf(w.lines);
    expect(txHistoryProblems(told, final, gone)).toEqual([]);
    expect(w.lines.at(-1)).toMatchObject({ event: 'checked', height: node.height });
    expect(w.events('banned').map((l) => l['peer'])).toEqual([lying.host]); // found out (and only it)
    // Each reorganisation took back at least the payment in its tip, and the watch told it.
    expect(told.filter((e) => e.status === 'reorged').length).toBeGreaterThanOrEqual(reorgs);
    expect(reorgs).toBe(LIVE_STEPS / REORG_EVERY);
    expect(fromMempool).toBeGreaterThan(0);
    expect(final.size).toBeGreaterThanOrEqual(payments.length + 1);
    expect(w.stderr()).toBe('');
    // Its memory: the peak RSS of the last third of the live run within the first third's plus a generous margin (a leak
    // per block, event or reconnection would show as a climb; this run is short, the bench's soak is the real measure).
    const third = (liveEnd - liveStart) / 3;
    const first = rss.peak(liveStart, liveStart + third);
    const last = rss.peak(liveEnd - third, liveEnd);
    if (process.env['DEBUG_SOAK'])
      console.log(
        `soak: ${((liveEnd - liveStart) / 1000).toFixed(1)} s live, RSS first third ${(first / MiB).toFixed(1)} MiB, last ${(last / MiB).toFixed(1)} MiB; ${fromMempool} from the mempool; ${told.length} tx lines`,
        w.lines
          .filter((l) => l['event'] === 'disconnected' || l['event'] === 'error')
          .map((l) => `${String(l['peer'])} ${String(l['reason'] ?? l['error'])}`.slice(0, 200)),
      );
    expect(first).toBeGreaterThan(0);
    expect(last).toBeLessThan(first * 1.25 + 16 * MiB);
  }, 150_000);
});

describe('the story checker of the soak (spec/helpers/tx-history.ts)', () => {
  const place = (height: number): FinalPlace => ({ height, blockHash: `b${height}` });
  const e = (txid: string, status: string, height?: number) => ({
    txid,
    status,
    ...(height === undefined ? {} : { height, blockHash: `b${height}` }),
  });
  const final = new Map([['a', place(5)]]);

  it('accepts mempool, confirmed, reorged and confirmed again where it ends up; a coinbase gone for good ending reorged', () => {
    const told = [
      e('a', 'mempool'),
      e('a', 'confirmed', 4),
      e('g', 'confirmed', 4),
      e('a', 'reorged', 4),
      e('g', 'reorged', 4),
      e('a', 'confirmed', 5),
    ];
    expect(txHistoryProblems(told, final, new Set(['g']))).toEqual([]);
  });

  it('finds a payment told twice, one missed, one left reorged, a reorg of another block, and a stranger', () => {
    expect(txHistoryProblems([e('a', 'confirmed', 5), e('a', 'confirmed', 5)], final, new Set())).toHaveLength(2);
    expect(txHistoryProblems([], final, new Set())).toEqual(['a: in block 5, never told']);
    expect(txHistoryProblems([e('a', 'confirmed', 5), e('a', 'reorged', 5)], final, new Set())).toHaveLength(1);
    expect(txHistoryProblems([e('a', 'confirmed', 4), e('a', 'reorged', 3), e('a', 'confirmed', 5)], final, new Set())).toHaveLength(1);
    expect(txHistoryProblems([e('a', 'confirmed', 5), e('x', 'mempool')], final, new Set())).toHaveLength(1);
  });
});
