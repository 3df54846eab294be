/**
 * Child process of the relay bench (run with --expose-gc): fill a mempool
 * view with more transactions than its budget holds and report its own
 * estimate (`view.bytes`) and the memory it really took (heap and external
 * after full collections, against the same measure before it existed).
 * argv: maxBytes, transactions offered.
 */
import { memory } from '../scale-traffic.js';
import { fedMempool, mempoolLike } from './fed-mempool.js';

const [maxBytes, offered] = process.argv.slice(2).map(Number) as [number, number];
const before = await memory();
let txs = mempoolLike(offered);
const view = await fedMempool(txs, { maxBytes });
txs = [];
const after = await memory();
process.send!({
  size: view.size,
  estimated: view.bytes,
  measured: after.heap + after.external - before.heap - before.external,
  rssMiB: after.rss / 2 ** 20,
});
process.exit(txs.length);
