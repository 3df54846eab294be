/**
 * Several streams decoded (or encoded) one after another in one process, as
 * a live connection mixes them: `node order-child.js CODEC OP ROUNDS W1,W2,…`
 * prints `{ "W1": [ms…], … }` — for each stream in turn, a warm-up and then
 * ROUNDS timed rounds — so a stream's speed after the others can be compared
 * with its speed alone.
 */
import { loadCodec, type CodecName } from './registry.js';
import { timeRounds } from './rounds.js';
import { buildStream, type Workload } from './workloads.js';

const [name, op, rounds, order] = process.argv.slice(2) as [CodecName, 'decode' | 'encode', string, string];
const codec = await loadCodec(name);
const out: Record<string, number[]> = {};
for (const workload of order.split(',') as Workload[]) {
  const stream = buildStream(workload);
  const fn = op === 'decode' ? codec.decoder(stream, workload) : codec.encoder(stream, workload);
  out[workload] = timeRounds(fn, Number(rounds), op === 'decode' ? stream.frames.length : stream.bytes).ms;
}
process.stdout.write(JSON.stringify(out) + '\n');
