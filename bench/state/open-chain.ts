/**
 * Child of the state bench, run with --expose-gc: open a datadir's header
 * chain as `rxbtc headers --datadir` does and print, as one JSON line, how
 * long that took and how much memory the open chain holds (V8 heap and
 * off-heap ArrayBuffers, after a full GC on both sides).
 */
import { openChain } from '../../lib/cli/headers-command.js';
import { networks } from '../../lib/index.js';

/** The line printed. */
export interface OpenChainReport {
  height: number;
  openMs: number;
  heapBytes: number;
  externalBytes: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
gc();
const before = process.memoryUsage();
const t = performance.now();
const chain = await openChain({ datadir: process.argv[2], network: networks.regtest }, []);
const openMs = performance.now() - t;
gc();
const after = process.memoryUsage();
const report: OpenChainReport = {
  height: chain.height,
  openMs,
  heapBytes: after.heapUsed - before.heapUsed,
  externalBytes: after.external - before.external,
};
console.log(JSON.stringify(report));
await chain.close();
