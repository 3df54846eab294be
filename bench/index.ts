import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { from } from 'rxjs';
import {
  decodeMessages,
  decodePayload,
  encodeMessage,
  networks,
  readBlock,
  readBlockFile,
  ByteReader,
  sha256Backend,
  txid,
  type Block,
  type BlockHeader,
  type Message,
} from '../lib/index.js';
import { bcoinEncode, bcoinFramer, bcoinParser, type BcoinPacket } from './bcoin.js';
import { runScale } from './scale.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const dataDir = process.env['RXBTC_DATA'] ?? resolve(here, '..', '..', '..', 'shared', 'data');
const net = networks.mainnet;
const CHUNK = 64 * 1024;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 7);

function readData(name: string): Buffer {
  return readFileSync(join(dataDir, name));
}

function concat(parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts);
}

function chunked(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += CHUNK) out.push(bytes.subarray(i, i + CHUNK));
  return out;
}

/** Median of `ROUNDS` timed runs of `fn`, after one warm-up run, in milliseconds. */
function time(fn: () => void): number {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

/** A named workload; its frames are built on demand so only one scenario's bytes are alive at a time. */
interface Scenario {
  name: string;
  frames: () => Buffer[];
}

function scenarios(): Scenario[] {
  const blockPayload = readData('block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk');
  const block = (): Block => {
    const m = decodePayload('block', blockPayload);
    if (m.command !== 'block') throw new Error('bad block');
    return m.block;
  };
  const blockFrame = (): Uint8Array => encodeMessage(net, { command: 'block', block: block() });
  const txFrames = (): Buffer[] => block().transactions.map((tx) => Buffer.from(encodeMessage(net, { command: 'tx', tx })));
  const invFrames = (): Buffer[] => {
    const txids = block().transactions.map(txid);
    const frames: Buffer[] = [];
    for (let i = 0; frames.length < 20_000; i += 35) {
      const items = Array.from({ length: 35 }, (_, k) => ({ type: 1, hash: txids[(i + k) % txids.length]! }));
      frames.push(Buffer.from(encodeMessage(net, { command: 'inv', items })));
    }
    return frames;
  };
  const headersFrame = (): Buffer => {
    const headers: BlockHeader[] = readBlockFile(readData('blocks1-256')).map((r) => readBlock(new ByteReader(r.block)).header);
    return Buffer.from(encodeMessage(net, { command: 'headers', headers: Array.from({ length: 2000 }, (_, i) => headers[i % headers.length]!) }));
  };
  return [
    { name: 'block 1.2 MB ×20', frames: () => Array.from({ length: 20 }, () => Buffer.from(blockFrame())) },
    { name: `tx ×3315 (real)`, frames: txFrames },
    { name: 'inv(35) ×20000', frames: invFrames },
    { name: 'headers(2000) ×50', frames: () => Array.from({ length: 50 }, () => headersFrame()) },
  ];
}

interface Row {
  scenario: string;
  op: string;
  ours: string;
  bcoin: string;
  ratio: string;
}

function rate(bytes: number, msgs: number, ms: number): string {
  return `${((bytes / 1e6) / (ms / 1e3)).toFixed(0)} MB/s, ${Math.round(msgs / (ms / 1e3)).toLocaleString('en-US')} msg/s`;
}

function run(): void {
  const rows: Row[] = [];
  const ratios: Record<string, number> = {};
  for (const s of scenarios()) {
    const frames = s.frames();
    const stream = concat(frames);
    const chunks = chunked(stream);
    const n = frames.length;
    frames.length = 0;

    let ours = 0;
    const oursMs = time(() => {
      ours = 0;
      from(chunks).pipe(decodeMessages(net)).subscribe({ next: () => void ours++ });
    });
    let theirs = 0;
    const packets: BcoinPacket[] = [];
    const bcoinMs = time(() => {
      theirs = 0;
      packets.length = 0;
      const parser = bcoinParser((p) => {
        theirs++;
        packets.push(p);
      });
      for (const c of chunks) parser.feed(c);
    });
    if (ours !== n || theirs !== n) throw new Error(`${s.name}: decoded ${ours} / ${theirs} of ${n}`);
    rows.push({ scenario: s.name, op: 'decode', ours: rate(stream.length, n, oursMs), bcoin: rate(stream.length, n, bcoinMs), ratio: (bcoinMs / oursMs).toFixed(1) + '×' });
    ratios[`decode ${s.name}`] = bcoinMs / oursMs;

    const messages: Message[] = [];
    from(chunks).pipe(decodeMessages(net)).subscribe({ next: (m) => void messages.push(m) });
    const encOurs = time(() => {
      for (const m of messages) encodeMessage(net, m);
    });
    const framer = bcoinFramer();
    const encBcoin = time(() => {
      for (const p of packets) bcoinEncode(framer, p);
    });
    rows.push({ scenario: s.name, op: 'encode', ours: rate(stream.length, n, encOurs), bcoin: rate(stream.length, n, encBcoin), ratio: (encBcoin / encOurs).toFixed(1) + '×' });
  }
  console.log(`rxbtc vs bcoin@1.0.2 — same bytes, ${CHUNK / 1024} KiB chunks, median of ${ROUNDS} runs; rxbtc SHA-256 backend: ${sha256Backend}; bcoin with NODE_BACKEND=js`);
  console.table(rows);
  const targets = [
    ['decode block 1.2 MB ×20', 5],
    [`decode inv(35) ×20000`, 5],
  ] as const;
  for (const [key, want] of targets) {
    const got = ratios[key] ?? 0;
    console.log(`${got >= want ? 'MET ' : 'MISS'} ${key}: ${got.toFixed(1)}× (target ≥ ${want}×)`);
  }
  const txKey = Object.keys(ratios).find((k) => k.startsWith('decode tx'))!;
  console.log(`${ratios[txKey]! >= 5 ? 'MET ' : 'MISS'} ${txKey}: ${ratios[txKey]!.toFixed(1)}× (target ≥ 5×)`);
}

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    peers: { type: 'string', default: '1000' },
    soak: { type: 'string', default: '30' },
  },
});
const peers = Number(values.peers);
const soakSeconds = Number(values.soak);
if (!['codec', 'scale', undefined].includes(values.only) || !(peers > 0) || !(soakSeconds >= 0)) {
  console.error('usage: npm run bench -- [--only codec|scale] [--peers N] [--soak SECONDS]');
  process.exit(2);
}
if (values.only !== 'scale') run();
if (values.only !== 'codec') await runScale({ peers, soakSeconds, dataDir });
