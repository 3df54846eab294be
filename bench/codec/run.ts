import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sha256Backend } from '../../lib/index.js';
import { chooseCpu, formatPin, nodeCommand, whilePinned, type CpuPin } from '../cpu.js';
import type { Codec } from './codec.js';
import { CODECS, loadCodec, type CodecName } from './registry.js';
import { WARMUP_MS, WARMUP_ROUNDS, spread, timeRounds, type Rounds, type Spread } from './rounds.js';
import { WORKLOADS, buildStream, type Stream, type Workload } from './workloads.js';

/** Where the implementations run: each in a child process of its own, all in this one alternating, or rxbtc over streams in several orders per process. */
export type CodecMode = 'alone' | 'shared' | 'orders';

/** Options of {@link runCodec}. */
export interface CodecOptions {
  /** Modes to run. */
  modes: CodecMode[];
  /** Timed rounds per measurement (after one warm-up). */
  rounds: number;
}

type Times = Partial<Record<CodecName, { decode: Rounds | null; encode: Rounds | null }>>;
type Results = Record<CodecMode, Partial<Record<Workload, Times>>>;

const run = promisify(execFile);

async function alone(workload: Workload, rounds: number, pin: CpuPin | undefined): Promise<Times> {
  const times: Times = {};
  const child = fileURLToPath(new URL('./child.js', import.meta.url));
  for (const name of CODECS) {
    const { stdout } = await run(...nodeCommand(pin, child, [name, workload, String(rounds)]), { maxBuffer: 1 << 20 });
    const r = JSON.parse(stdout) as { decode: number[] | null; encode: number[] | null };
    times[name] = { decode: r.decode && { ms: r.decode }, encode: r.encode && { ms: r.encode } };
  }
  return times;
}

/** All implementations in this process: each round runs every implementation once, in a rotating order. */
function shared(codecs: Map<CodecName, Codec>, stream: Stream, workload: Workload, rounds: number): Times {
  const times: Times = {};
  for (const op of ['decode', 'encode'] as const) {
    const fns = [...codecs].filter(([, c]) => (op === 'decode' ? c.decodes : c.encodes).includes(workload));
    const prepared = fns.map(([name, c]) => [name, op === 'decode' ? c.decoder(stream, workload) : c.encoder(stream, workload)] as const);
    const ms = new Map<CodecName, number[]>(prepared.map(([name]) => [name, []]));
    const expect = op === 'decode' ? stream.frames.length : stream.bytes;
    for (const [, fn] of prepared) timeRounds(fn, 0, expect); // each warmed up as in its own process
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < prepared.length; k++) {
        const [name, fn] = prepared[(k + r) % prepared.length]!;
        ms.get(name)!.push(timeRounds(fn, 1, expect, false).ms[0]!);
      }
    }
    for (const [name, list] of ms) {
      const entry = (times[name] ??= { decode: null, encode: null });
      entry[op] = { ms: list };
    }
  }
  return times;
}

const fmt = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toPrecision(3));
const mbps = (s: Spread): string => `${fmt(s.min / 1e6)} / ${fmt(s.median / 1e6)} / ${fmt(s.max / 1e6)}`;
const kmsg = (s: Spread): string => `${fmt(s.min / 1e3)}k / ${fmt(s.median / 1e3)}k / ${fmt(s.max / 1e3)}k`;

interface Target {
  line: string;
  met: boolean;
}

/** Print the tables of one mode; returns the decode/encode spreads per workload and implementation. */
function report(
  mode: CodecMode,
  results: Partial<Record<Workload, Times>>,
  streams: Map<Workload, { label: string; bytes: number; n: number }>,
): Map<string, Spread> {
  const spreads = new Map<string, Spread>();
  console.log(
    `\ncodec, ${mode === 'alone' ? 'each implementation in a process of its own' : 'all implementations in one process, alternating round by round'} — min / median / max of the rounds (min = slowest round)`,
  );
  for (const [workload, times] of Object.entries(results) as [Workload, Times][]) {
    const s = streams.get(workload)!;
    const rows: Record<string, Record<string, string>> = {};
    for (const [name, t] of Object.entries(times) as [CodecName, { decode: Rounds | null; encode: Rounds | null }][]) {
      const row: Record<string, string> = {};
      for (const op of ['decode', 'encode'] as const) {
        const r = t[op];
        if (!r) {
          row[`${op} MB/s`] = '—';
          row[`${op} msg/s`] = '—';
          continue;
        }
        const bytes = spread(r, s.bytes);
        spreads.set(`${mode} ${workload} ${op} ${name}`, spread(r, s.n));
        row[`${op} MB/s`] = mbps(bytes);
        row[`${op} msg/s`] = kmsg(spread(r, s.n));
      }
      rows[name] = row;
    }
    console.log(`${s.label} (${(s.bytes / 1e6).toFixed(1)} MB in 64 KiB chunks)`);
    console.table(rows);
  }
  return spreads;
}

function targets(spreads: Map<string, Spread>, modes: CodecMode[]): Target[] {
  const out: Target[] = [];
  const peers = CODECS.filter((c) => c !== 'rxbtc' && c !== 'bcoin-shipped');
  const strongest = (mode: CodecMode, workload: Workload, op: 'decode' | 'encode'): [string, Spread] | undefined => {
    let best: [string, Spread] | undefined;
    for (const p of peers) {
      const s = spreads.get(`${mode} ${workload} ${op} ${p}`);
      if (s && (!best || s.min > best[1].min)) best = [p, s];
    }
    return best;
  };
  const check = (label: string, ours: Spread | undefined, peer: [string, Spread] | undefined, want: number): void => {
    if (!ours || !peer) return;
    const ratio = ours.min / peer[1].min;
    out.push({
      met: ratio >= want,
      line: `${label}: ${ratio.toFixed(1)}× ${peer[0]} (slowest rounds; medians ${(ours.median / peer[1].median).toFixed(1)}×; target ≥ ${want}×)`,
    });
  };
  for (const mode of modes) {
    for (const w of WORKLOADS) check(`${mode}: decode ${w}`, spreads.get(`${mode} ${w} decode rxbtc`), strongest(mode, w, 'decode'), 4);
    for (const w of ['tx', 'inv'] as const)
      check(`${mode}: encode ${w}`, spreads.get(`${mode} ${w} encode rxbtc`), strongest(mode, w, 'encode'), 4);
  }
  if (modes.includes('shared')) {
    const shipped = spreads.get('shared block decode bcoin-shipped');
    check('shared: decode block vs bcoin as shipped', spreads.get('shared block decode rxbtc'), shipped && ['bcoin (shipped)', shipped], 6);
  }
  return out;
}

/** Stream orders decoded in one process (see order-child.ts): each stream after others, and the interleaved stream. */
const ORDERS: readonly (readonly Workload[])[] = [
  ['block', 'tx', 'inv', 'headers'],
  ['headers', 'inv', 'tx', 'block'],
  ['inv', 'block', 'headers', 'tx'],
];

async function orderRounds(
  codec: CodecName,
  op: 'decode' | 'encode',
  rounds: number,
  order: readonly Workload[],
  pin: CpuPin | undefined,
): Promise<Record<string, number[]>> {
  const child = fileURLToPath(new URL('./order-child.js', import.meta.url));
  const { stdout } = await run(...nodeCommand(pin, child, [codec, op, String(rounds), order.join(',')]), { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as Record<string, number[]>;
}

/** The median of a list of round times. */
const median = (ms: number[]): number => [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)]!;

/**
 * Decode speed that does not depend on what a process decoded before: rxbtc
 * decodes (and encodes) each stream alone in a fresh process, and in every
 * order of {@link ORDERS} in one process, `processes` times each, the alone
 * and order processes interleaved so that the machine's drift falls on both;
 * per stream, the slowest round over all orders and processes against the
 * median alone (target ≥ 80 %). The interleaved stream (`mixed`) is decoded
 * by rxbtc and by bcoin (node:crypto, full blocks) in fresh processes run
 * one after the other on the same CPU (target: rxbtc ≥ 4× bcoin in every
 * pair, on the pair's medians; the slowest-against-fastest figure is printed
 * beside it). Every group re-chooses its CPU (see {@link chooseCpu}).
 */
async function runOrders(rounds: number, processes: number): Promise<Target[]> {
  const out: Target[] = [];
  const rows: Record<string, Record<string, string>> = {};
  const pins: string[] = [];
  for (const op of ['decode', 'encode'] as const) {
    const ops = op === 'decode' ? WORKLOADS : (['tx', 'inv'] as const);
    for (const w of ops) {
      const stream = buildStream(w);
      const units = stream.bytes;
      const pin = chooseCpu();
      pins.push(`${op} ${w}: ${pin ? `CPU ${pin.cpu}` : 'unpinned'}`);
      const alone: number[] = [];
      const after: number[] = [];
      for (let p = 0; p < processes; p++) {
        alone.push(...(await orderRounds('rxbtc', op, rounds, [w], pin))[w]!);
        for (const order of ORDERS) {
          if (op === 'encode' && !order.includes(w)) continue;
          const streams = op === 'encode' ? order.filter((x) => x === 'tx' || x === 'inv') : order;
          after.push(...(await orderRounds('rxbtc', op, rounds, streams, pin))[w]!);
        }
      }
      const a = spread({ ms: alone }, units);
      const b = spread({ ms: after }, units);
      const ratio = b.min / a.median;
      rows[`${op} ${w}`] = {
        'alone MB/s': mbps(a),
        'after other streams MB/s': mbps(b),
        'slowest after / median alone': `${(100 * ratio).toFixed(0)} %`,
      };
      out.push({
        met: ratio >= 0.8,
        line: `order: ${op} ${w}, slowest round in any order ≥ 80 % of the median alone: ${(100 * ratio).toFixed(0)} %`,
      });
    }
  }
  const mixed = buildStream('mixed');
  const ours: number[] = [];
  const theirs: number[] = [];
  const pairs: number[] = [];
  let strict = Infinity;
  for (let p = 0; p < processes; p++) {
    const pin = chooseCpu();
    pins.push(`mixed pair ${p + 1}: ${pin ? `CPU ${pin.cpu}` : 'unpinned'}`);
    const r = (await orderRounds('rxbtc', 'decode', rounds, ['mixed'], pin))['mixed']!;
    const b = (await orderRounds('bcoin-full', 'decode', rounds, ['mixed'], pin))['mixed']!;
    ours.push(...r);
    theirs.push(...b);
    pairs.push(median(b) / median(r));
    strict = Math.min(strict, Math.min(...b) / Math.max(...r)); // rxbtc's slowest round against bcoin's fastest
  }
  const m = spread({ ms: ours }, mixed.bytes);
  const c = spread({ ms: theirs }, mixed.bytes);
  const sorted = [...pairs].sort((x, y) => x - y);
  rows[`decode ${mixed.label}`] = {
    'alone MB/s': mbps(m),
    'after other streams MB/s': `bcoin (node:crypto, full): ${mbps(c)}`,
    'slowest after / median alone': `pairs ${sorted.map((x) => `${x.toFixed(2)}×`).join(' ')}`,
  };
  out.push({
    met: sorted[0]! >= 4,
    line: `order: decode mixed, rxbtc ≥ 4× bcoin in every process pair (medians): ${sorted.map((x) => x.toFixed(2)).join(' / ')}× (rxbtc's slowest round against bcoin's fastest: ${strict.toFixed(2)}×)`,
  });
  console.log(
    `\ncodec, stream orders — rxbtc alone in a fresh process and after other streams in one (${ORDERS.map((o) => o.join('→')).join(', ')}), ${processes} processes each, ${rounds} rounds; min / median / max; ${pins.join(', ')}`,
  );
  console.table(rows);
  return out;
}

/**
 * The codec bench: the same bytes (a real 1.2 MB block ×20, its 3,315
 * transactions, 20,000 `inv`s of 35 txids, 50 `headers` of 2,000) decoded
 * and re-encoded by rxbtc, bcoin 1.0.2 (as shipped, and with node:crypto
 * and full block parsing), bitcoinjs-lib 7 and bitcore-p2p 10; each
 * implementation alone in a child process, and all in one process.
 */
export async function runCodec(options: CodecOptions): Promise<Target[]> {
  const results: Results = { alone: {}, shared: {}, orders: {} };
  const streams = new Map<Workload, { label: string; bytes: number; n: number }>();
  const pin = chooseCpu();
  console.log(formatPin(pin));
  const codecs = options.modes.includes('shared')
    ? new Map(await Promise.all(CODECS.map(async (n) => [n, await loadCodec(n)] as const)))
    : new Map<CodecName, Codec>();
  for (const w of WORKLOADS) {
    const stream = buildStream(w);
    streams.set(w, { label: stream.label, bytes: stream.bytes, n: stream.frames.length });
    if (options.modes.includes('shared')) results.shared[w] = await whilePinned(pin, () => shared(codecs, stream, w, options.rounds));
    if (options.modes.includes('alone')) results.alone[w] = await alone(w, options.rounds, pin);
  }
  console.log(
    `rxbtc SHA-256 backend: ${sha256Backend}; ${options.rounds} timed rounds after a warm-up of ≥ ${WARMUP_ROUNDS} rounds and ≥ ${WARMUP_MS} ms per implementation`,
  );
  const spreads = new Map<string, Spread>();
  for (const mode of options.modes) if (mode !== 'orders') for (const [k, v] of report(mode, results[mode], streams)) spreads.set(k, v);
  const t = targets(spreads, options.modes);
  if (options.modes.includes('orders')) t.push(...(await runOrders(options.rounds, 3)));
  for (const { line, met } of t) console.log(`${met ? 'MET ' : 'MISS'} ${line}`);
  return t;
}
