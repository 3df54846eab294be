/**
 * The long fuzz run: `npm run fuzz -- --seconds 600 --seed 42`.
 * Mutates the real-data corpus for as long as asked and feeds every mutant
 * to the payload decoders, to the stream framer and (one case in 20) to a
 * live peer; one case in 10 also damages a BIP324 packet stream. Prints the cases run and how they ended; on the first broken
 * promise, writes the input to fuzz-failures/ and exits 1.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { KNOWN_COMMANDS, MESSAGE_HEADER_SIZE, encodeMessage, networks } from '../lib/index.js';
import { TESTDATA_DIR, readTestdata } from '../bench/testdata.js';
import { buildCorpus } from './corpus.js';
import { commandOf, mutate } from './mutations.js';
import { checkPeer } from './peer-target.js';
import { Random } from './random.js';
import { FuzzFailure, checkPayload, checkStream } from './targets.js';
import { checkV2Stream } from './v2-target.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '60' }, seed: { type: 'string' }, 'peer-every': { type: 'string', default: '20' } },
});
const seconds = Number(values.seconds);
const seed = values.seed === undefined ? Date.now() >>> 0 : Number(values.seed);
const peerEvery = Number(values['peer-every']);
if (!(seconds > 0) || !Number.isInteger(seed) || !(peerEvery > 0)) {
  process.stderr.write('usage: npm run fuzz -- [--seconds N] [--seed N] [--peer-every N]\n');
  process.exit(2);
}

const read = (name: string): Uint8Array => new Uint8Array(readTestdata(name));
const network = networks.mainnet;
const corpus = buildCorpus(read);
const frames = corpus.map((s) => encodeMessage(network, s.message));
const smallMessages = corpus.map((s) => s.message).filter((_, i) => frames[i]!.length <= 4096);
const small = frames.filter((f) => f.length <= 4096);

const outcomes = new Map<string, number>();
const tally = (key: string): void => void outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
const escaped: unknown[] = [];
process.on('unhandledRejection', (e) => escaped.push(e));
process.on('uncaughtException', (e) => escaped.push(e));

const rnd = new Random(seed);
const started = performance.now();
const heapAtStart = process.memoryUsage().heapUsed;
let cases = 0;
let current: Uint8Array;
let nextReport = 10_000;
process.stdout.write(`fuzz: seed ${seed}, ${seconds} s, ${frames.length} seeds of ${KNOWN_COMMANDS.length} commands\n`);
try {
  while (performance.now() - started < seconds * 1000) {
    const roll = rnd.int(10);
    const base = roll === 0 ? rnd.bytes(rnd.int(400)) : mutate(network, rnd.pick(frames), rnd).bytes;
    current = base;
    if (base.length >= MESSAGE_HEADER_SIZE) tally(`payload ${checkPayload(commandOf(base), base.subarray(MESSAGE_HEADER_SIZE))}`);
    tally(`stream ${checkStream(network, base, rnd).end}`);
    if (cases % 10 === 0)
      tally(
        `v2 ${checkV2Stream(
          network,
          Array.from({ length: 1 + rnd.int(6) }, () => rnd.pick(smallMessages)),
          rnd,
        )}`,
      );
    if (cases % peerEvery === 0) {
      current = mutate(network, rnd.pick(small), rnd).bytes;
      tally(`peer ${await checkPeer(network, current)}`);
    }
    if (escaped.length) throw new FuzzFailure(`escaped: ${String(escaped[0])}`, current, escaped[0]);
    cases++;
    if (performance.now() - started > nextReport) {
      nextReport += 10_000;
      process.stdout.write(`  ${cases} cases, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)} MiB\n`);
    }
  }
} catch (error) {
  const dir = resolve(TESTDATA_DIR, '..', 'fuzz-failures');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `seed-${seed}-case-${cases}.hex`);
  writeFileSync(file, error instanceof FuzzFailure ? error.input : String(error));
  process.stderr.write(`FAILED after ${cases} cases: ${String(error)}\ninput written to ${file}\n`);
  process.exit(1);
}
const secs = (performance.now() - started) / 1000;
process.stdout.write(
  `fuzz: ${cases} cases in ${secs.toFixed(0)} s (${Math.round(cases / secs)}/s), no failure; heap ${(heapAtStart / 2 ** 20).toFixed(1)} → ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)} MiB\n`,
);
for (const [key, n] of [...outcomes].sort()) process.stdout.write(`  ${key.padEnd(34)} ${n}\n`);
