import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { networks, scriptToAddress } from '../../lib/index.js';
import { cliBundle } from '../helpers/cli-bundle.js';
import { startFilterNode, type FilterNode } from '../helpers/filter-node.js';
import { createSimNet, type SimNet, type SimPeer } from '../helpers/simnet/index.js';
import type { Payment } from '../helpers/synthetic-blocks.js';
import { walletTxsIn } from '../helpers/wallet-blocks.js';
import { startCli, within, type CliChild, type Line } from './fixtures/cli-child.js';

/*
 * `rxbtc watch --datadir` killed with SIGKILL again and again while it recovers a wallet from filters and blocks it
 * downloads from four simulated peers at once (the download scheduler's window spread over them, results waiting for
 * the ones before): what all its lives printed, put end to end, is what one uninterrupted run prints, in height order,
 * each event once. Only the kill window of spec/cli/watch-restart.spec.ts may repeat an event: printed, then killed
 * before it was recorded, it is printed again as the next printing life's first line.
 */
const network = networks.regtest;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const BLOCKS = 2500;
const KILLS = 8;

let bundle: string;
let node: FilterNode;
let net: SimNet;
const dirs: string[] = [];
const children: CliChild[] = [];
beforeAll(async () => {
  bundle = await cliBundle();
  node = await startFilterNode();
});
afterAll(async () => {
  for (const c of children) c.child.kill('SIGKILL');
  await net.close();
  await node.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const txs = (c: CliChild): Line[] => c.events('tx');
const keyOf = (l: Line): string => `${String(l['txid'])}:${String(l['status'])}:${String(l['height'])}:${String(l['blockHash'])}`;
const isEvent = (event: string) => (l: Line) => l['event'] === event;
const heightOf = (l: Line): number => Number(l['height']);
const nonDecreasing = (xs: readonly number[]): boolean => xs.every((x, i) => i === 0 || xs[i - 1]! <= x);

describe('rxbtc watch --datadir killed during a parallel recovery (four simulated peers, BIP158)', () => {
  it('prints, over all its lives, what one uninterrupted run prints: in height order within and across lives, each event once', async () => {
    const script = Uint8Array.from([0x00, 0x14, ...randomBytes(20)]);
    const address = scriptToAddress(script, network)!;
    const pays = (h: number): Payment[] => (h % 37 === 5 ? [{ script, value: BigInt(10_000 + h) }] : []);
    await node.mine(BLOCKS, pays); // 68 payments
    const paid = [...walletTxsIn(node.blocks, script)];
    const expected = paid.map(([id, p]) => `${id}:confirmed:${p.height}:${p.blockHash}`);
    const lastPaid = paid.at(-1)![1].height;
    net = createSimNet({ firstNetgroup: 140, seed: 3 });
    const link = (latencyMs: number, kBps: number) => ({
      upstream: { host: '127.0.0.1', port: node.port },
      latencyMs,
      jitterMs: 5,
      bandwidth: { down: kBps * 1000, up: 100_000 },
    });
    const peers: SimPeer[] = [];
    for (const ms of [20, 40, 60, 80]) peers.push(await net.addPeer(link(ms, 40)));
    const hosts = peers.map((p) => `${p.host}:${p.port}`);
    const run = (dir: string, first: boolean): CliChild => {
      const c = startCli(bundle, [
        'watch',
        ...hosts,
        '--network',
        'regtest',
        '--address',
        address,
        '--datadir',
        dir,
        ...(first ? ['--from', '1'] : []),
      ]);
      children.push(c);
      return c;
    };
    const dir = mkdtempSync(join(tmpdir(), 'rxbtc-restart-parallel-'));
    dirs.push(dir);

    const lives: CliChild[] = [];
    let kills = 0;
    // Each life is killed 0–300 ms after it printed its first payment: in the middle of the recovery, results in flight
    // (a life that lived longer could take so much of the chain that the recovery ends before the eighth kill).
    while (kills < KILLS) {
      const life = run(dir, lives.length === 0);
      lives.push(life);
      const resumed = await life.next(isEvent('resumed'), 'the resumed line', 20_000);
      if (Number(resumed['from']) > lastPaid) break; // nothing left to find: the recovery is over
      await life.next(isEvent('tx'), `life ${lives.length}: a payment`, 30_000);
      await sleep(Math.random() * 300);
      life.child.kill('SIGKILL');
      await within(life.exited, 10_000, 'exit after SIGKILL');
      kills++;
    }
    const last = run(dir, false);
    lives.push(last);
    await last.next(isEvent('balance'), 'caught up after the kills', 60_000);
    last.child.kill('SIGINT');
    expect(await within(last.exited, 10_000, 'exit after Ctrl-C')).toBe(0);
    expect(last.lines.at(-1)).toMatchObject({ event: 'checked', height: BLOCKS });

    const fresh = mkdtempSync(join(tmpdir(), 'rxbtc-reference-parallel-'));
    dirs.push(fresh);
    const reference = run(fresh, true);
    await reference.next(isEvent('balance'), 'the uninterrupted run caught up', 60_000);
    reference.child.kill('SIGINT');
    expect(await within(reference.exited, 10_000, 'exit after Ctrl-C')).toBe(0);
    // In parallel: every peer delivered far more than its handshakes (how work spreads by speed is
    // spec/spv/watch-many-peers.spec.ts's; every named peer used is spec/cli/watch-named-peers.spec.ts's).
    const delivered = peers.map((p) => p.stats().bytesDown);
    for (const d of delivered) expect(d).toBeGreaterThan(50_000);

    expect(kills).toBe(KILLS);
    expect(txs(reference).map(keyOf)).toEqual(expected);
    // The kill window: the last line of a printing life printed again as the next printing life's first. Nothing else repeats.
    const printing = lives.filter((l) => txs(l).length > 0);
    const repeats = printing.flatMap((l, i) => {
      const next = printing[i + 1];
      return next && keyOf(txs(l).at(-1)!) === keyOf(txs(next)[0]!) ? [i] : [];
    });
    const joined = printing.flatMap((l, i) => (repeats.includes(i - 1) ? txs(l).slice(1) : txs(l)));
    expect(joined.map(keyOf)).toEqual(expected); // the same events, in the same order, once
    expect(repeats.length).toBeLessThanOrEqual(kills);
    for (const l of lives) expect(nonDecreasing(txs(l).map(heightOf))).toBe(true);
    expect(printing.length).toBeGreaterThan(3); // it really was killed at work
    expect(lives.map((l) => l.stderr()).join('')).toBe('');
    if (process.env['DEBUG_RESTART'])
      console.log(
        `lives ${lives.length}, printing ${printing.length}, repeats ${repeats.length}, delivered ${delivered.join(', ')}`,
        lives.map((l) => `${txs(l).length}:${String(l.events('resumed')[0]?.['from'])}`).join(' '),
      );
  }, 240_000);
});
