import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BlockRebuild, ByteReader, decodePayload, readBlock, type CmpctBlockMessage } from '../lib/index.js';
import { fedMempool, mempoolLike } from './relay/fed-mempool.js';
import { show, spreadOf } from './spread.js';
import { readTestdata } from './testdata.js';

const MiB = 2 ** 20;

interface Fill {
  size: number;
  estimated: number;
  measured: number;
  rssMiB: number;
}

/** One fresh process fills a view of `maxBytes` with `offered` transactions. */
function fill(maxBytes: number, offered: number): Promise<Fill> {
  const child = fork(fileURLToPath(new URL('./relay/mempool-fill.js', import.meta.url)), [String(maxBytes), String(offered)], {
    execArgv: ['--expose-gc'],
  });
  return new Promise((resolve, reject) => {
    child.on('message', (m: Fill) => resolve(m));
    child.on('exit', (code) => code !== 0 && reject(new Error(`mempool-fill exited with ${code}`)));
  });
}

/**
 * The relay layer: a full mempool view's real memory against its budget
 * (each round a fresh process offering twice what fits, so eviction runs),
 * and the time to rebuild mainnet block 426,884 from its real `cmpctblock`
 * with a mempool of 50,000 other transactions beside its 408 (short ids of
 * the whole view, the block decoded from the kept bytes, merkle root
 * checked).
 */
export async function runRelay(rounds: number): Promise<{ met: boolean; line: string }[]> {
  const lines: { met: boolean; line: string }[] = [];
  const budget = 32 * MiB;
  const fills: Fill[] = [];
  for (let r = 0; r < rounds; r++) fills.push(await fill(budget, 60_000));
  const ratio = fills.map((f) => f.measured / budget);
  lines.push({
    met: spreadOf(ratio)[2] <= 1.2,
    line:
      `mempool view, 32 MiB budget offered 60,000 txs: holds ${show(
        fills.map((f) => f.size),
        'txs',
      )}, memory ${show(
        fills.map((f) => f.measured / MiB),
        'MiB',
        1,
      )} (heap + external after GC), ${show(ratio, '× the budget', 2)}; target ≤ 1.20× ` +
      `(process RSS ${show(
        fills.map((f) => f.rssMiB),
        'MiB',
      )})`,
  });

  const block = readBlock(new ByteReader(readTestdata('block-00000000000000000431d0ead6e0bd9f90ff0d469e9b05d51e3d04971f472973.blk')));
  const cmpct = decodePayload('cmpctblock', readTestdata('cmpctblock-426884.bin')) as CmpctBlockMessage;
  const view = await fedMempool([...mempoolLike(50_000), ...block.transactions.slice(1)], { maxBytes: 1024 * MiB });
  const ms: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    const rebuild = new BlockRebuild(cmpct, view.candidates());
    const rebuilt = rebuild.block();
    ms.push(performance.now() - t0);
    if (!rebuilt || rebuild.missing.length > 0) throw new Error(`block 426,884 not rebuilt: ${rebuild.failure}`);
  }
  lines.push({
    met: spreadOf(ms)[2] <= 100,
    line: `rebuild block 426,884 (408 txs) from its cmpctblock with ${view.size.toLocaleString('en-US')} txs in the view: ${show(ms, 'ms', 1)}; target ≤ 100 ms`,
  });
  return lines;
}
