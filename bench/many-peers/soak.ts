import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { walletScripts } from '../recovery/wallet-chain.js';
import { fmt } from '../spread.js';
import type { ChainCache } from './chain-cache.js';
import type { Target } from './report.js';
import { checkPayments, growthPerBlock, quarterPeaks } from './soak-check.js';
import { soakClient, sizeOf } from './soak-client.js';
import type { FromSoakNetwork, ToSoakNetwork } from './soak-network.js';
import type { SoakPayment, SoakPlan } from './soak-schedule.js';

const MiB = 1024 * 1024;
/** 2,016 blocks (or `RXBTC_BENCH_SOAK_BLOCKS`), one every 150 ms; a payment every 16 blocks; a reorganisation (depth 1–3) every 50. */
export const SOAK_PLAN: SoakPlan = {
  blocks: Number(process.env['RXBTC_BENCH_SOAK_BLOCKS'] ?? 2016) || 2016,
  blockMs: 150,
  payEvery: 16,
  reorgEvery: 50,
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type Ready = Extract<FromSoakNetwork, { type: 'ready' }>;

/**
 * The soak: `rxbtc watch` (100 scripts, all eight simulated peers, a datadir)
 * follows the cached chain's tip while it grows by 2,016 blocks with relayed
 * payments and reorganisations, the staller, dropper and liar among its
 * peers. Checks every payment is told once, the peak RSS of the last
 * quarter against the first's, and the datadir's growth per block.
 */
export async function runSoak(cache: ChainCache, plan: SoakPlan = SOAK_PLAN): Promise<Target[]> {
  const child = fork(resolve(import.meta.dirname, 'soak-network.js'), [cache.chain, cache.filters], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const marks: { at: number; height: number }[] = [];
  let finish: ((p: SoakPayment[]) => void) | undefined;
  const ready = await new Promise<Ready>((done, fail) => {
    child.on('message', (m: FromSoakNetwork) => {
      if (m.type === 'ready') done(m);
      else if (m.type === 'block') marks.push({ at: performance.now(), height: m.height });
      else if (m.type === 'done') finish?.(m.payments);
    });
    child.on('exit', (code) => fail(new Error(`the soak network exited (${code})`)));
  });
  const dir = mkdtempSync(join(tmpdir(), 'rxbtc-soak-'));
  const args = [
    resolve(import.meta.dirname, '..', 'state', 'rxbtc-cli.js'),
    'watch',
    ...ready.addresses,
    ...['--network', 'regtest', '--method', 'bip158', '--json', '--datadir', dir],
    ...['--checkpoint', `${ready.tipHeight}:${ready.tipHash}`, '--from', String(ready.tipHeight + 1)],
    ...walletScripts().flatMap((s) => ['--script', Buffer.from(s).toString('hex')]),
  ];
  const client = soakClient(args, dir);
  try {
    await sleep(10_000); // connected to the peers that answer
    const start = { at: performance.now(), height: ready.tipHeight };
    const payments = await new Promise<SoakPayment[]>((done) => {
      finish = done;
      child.send({ type: 'soak', plan } satisfies ToSoakNetwork);
    });
    const end = performance.now();
    await sleep(15_000); // the last blocks reach the client
    const died = client.exitedAt();
    const code = await client.stop();
    const final = marks.at(-1)!;
    const checked = client.lines.find((l) => l.includes('"event":"checked"'));
    // RXBTC_BENCH_SOAK_LOG=FILE keeps every line the client printed, to see where it spent its time.
    const log = process.env['RXBTC_BENCH_SOAK_LOG'];
    if (log) writeFileSync(log, client.lines.join('\n') + '\n');
    const told = checkPayments(client.lines, payments);
    const peaks = quarterPeaks(client.samples, start.at, end);
    const quarters = [0, 1, 2, 3, 4].map((k) => marks.find((m) => m.height >= start.height + (k * plan.blocks) / 4) ?? final);
    const growth = growthPerBlock(client.samples, [start, ...quarters.slice(1)]);
    console.log(
      `\nsoak — rxbtc watch follows ${fmt(plan.blocks)} blocks (one per ${plan.blockMs} ms, ${payments.length} relayed payments, a reorganisation of depth 1–3 every ${plan.reorgEvery}) through the 8 simulated peers; exit ${code}, tip ${final.height}; ${checked ?? 'no checked line'}`,
    );
    if (died !== undefined || !checked)
      console.log(
        `  the client ${died === undefined ? 'ran to the end' : `exited by itself ${fmt((died - start.at) / 1000, 1)} s into the soak`}; its last lines:\n    ${client.lines.slice(-4).join('\n    ')}`,
      );
    console.log(
      `  payments told once ${told.once}, twice ${told.twice}, missed ${told.missed}; seen in the mempool first ${told.fromMempool}; other transactions told ${told.strangers}`,
    );
    console.log(`  peak RSS: first quarter ${fmt(peaks.first / MiB, 1)} MiB, last quarter ${fmt(peaks.last / MiB, 1)} MiB`);
    console.log(`  datadir ${fmt(sizeOf(dir) / 1024, 0)} KiB; bytes per block by quarter: ${growth.map((g) => fmt(g, 0)).join(', ')}`);
    return [
      {
        met: told.once === payments.length && told.strangers === 0,
        line: `soak: every payment told once (${told.once} of ${payments.length})`,
      },
      {
        met: died === undefined && peaks.last <= 1.1 * peaks.first,
        line: `soak: peak RSS of the last quarter within 10 % of the first's: ${fmt((100 * peaks.last) / peaks.first - 100, 1)} %`,
      },
      {
        met: died === undefined && growth.every((g) => g <= 1.25 * growth[0]! + 64),
        line: `soak: the datadir grows only with the chain (bytes per block by quarter: ${growth.map((g) => fmt(g, 0)).join(', ')})`,
      },
    ];
  } finally {
    await client.stop();
    child.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}
