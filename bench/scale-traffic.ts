import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { ByteReader, InvType, readBlock, readBlockFile, type BlockHeader, type Peer, type Transaction } from '../lib/index.js';
import type { Random } from '../fuzz/random.js';
import { readTestdata } from './testdata.js';

/** Real data both sides of the scale bench send: headers of blocks 1–255 and small mainnet transactions. */
export interface Traffic {
  headers: BlockHeader[];
  txs: Transaction[];
}

/** Load {@link Traffic} from the repository's testdata. */
export function loadTraffic(): Traffic {
  const headers: BlockHeader[] = readBlockFile(readTestdata('blocks1-256')).map((r) => readBlock(new ByteReader(r.block)).header);
  const block = readBlock(new ByteReader(readTestdata('block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk')));
  return { headers, txs: block.transactions.slice(1, 200).filter((tx) => tx.inputs.length <= 3 && tx.outputs.length <= 3) };
}

/** Answer what the other side of the bench asks: headers for getheaders, notfound for getdata, getdata for inv. */
export function serve(peer: Peer, traffic: Traffic): void {
  peer.on('getheaders').subscribe(() => peer.queue({ command: 'headers', headers: traffic.headers.slice(0, 10) }));
  peer.on('getdata').subscribe((m) => peer.queue({ command: 'notfound', items: m.items }));
  peer.on('inv').subscribe((m) => peer.queue({ command: 'getdata', items: m.items.slice(0, 10) }));
}

/** One random action of the mixed soak traffic: a tx, an inventory announcement, a getheaders or a ping. */
export function randomAction(peer: Peer, traffic: Traffic, rnd: Random): void {
  const roll = rnd.int(10);
  const hash = rnd.bytes(32);
  if (roll < 3) peer.queue({ command: 'tx', tx: rnd.pick(traffic.txs) });
  else if (roll < 5) peer.queueInventory({ type: InvType.Tx, hash });
  else if (roll < 7) void peer.pushGetHeaders([hash], new Uint8Array(32)).catch(() => undefined);
  else peer.queue({ command: 'ping', nonce: BigInt(rnd.u32()) });
}

/**
 * Announce `n` random transaction hashes to a peer, so that its
 * known-inventory cache (1,000 items, btcd's cap) is full before a soak:
 * a soak then measures the steady state, not caches filling up.
 */
export function fillKnownInventory(peer: Peer, n: number, rnd: Random): void {
  for (let i = 0; i < n; i++) peer.queueInventory({ type: InvType.Tx, hash: rnd.bytes(32) });
}

/** Heap and native memory after a full collection, bytes. */
export interface Memory {
  heap: number;
  external: number;
  rss: number;
}

/** Measure memory after a full garbage collection (needs --expose-gc). */
export async function memory(): Promise<Memory> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setImmediate(r));
  }
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.external, rss: m.rss };
}

/** Event-loop delay over a phase, sampled every millisecond: start it, then read p50/p99/max in ms. */
export function lagMonitor(): { read: () => { p50: number; p99: number; max: number }; histogram: IntervalHistogram } {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  return {
    histogram,
    read: () => {
      const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
      const out = { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) };
      histogram.reset();
      return out;
    },
  };
}
