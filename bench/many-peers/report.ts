import type { WalletKind } from '../recovery/wallet-chain.js';
import { fmt, show, spreadOf } from '../spread.js';
import { BOUND_FORMULA } from './lower-bound.js';
import { PEERS } from './peer-layout.js';
import type { RecoveryRun } from './recovery-run.js';

const MiB = 1024 * 1024;

/** The rounds of one wallet kind, and what they are measured against. */
export interface KindResult {
  kind: WalletKind;
  /** Through all eight peers. */
  many: RecoveryRun[];
  /** Through the fastest single peer alone. */
  single: RecoveryRun[];
  /** Least bytes a recovery receives. */
  least: number;
  /** Lower bounds, ms. */
  bound: { many: number; single: number };
}

/** A target line. */
export interface Target {
  met: boolean;
  line: string;
}

const sum = (xs: number[]): number => xs.reduce((s, x) => s + x, 0);
const done = (runs: RecoveryRun[]): RecoveryRun[] => runs.filter((r) => r.ok);

/** Spread of `f` over the runs that finished, or what failed. */
function spread(runs: RecoveryRun[], f: (r: RecoveryRun) => number, unit: string, digits: number): string {
  const ok = done(runs);
  const failed = runs.length - ok.length;
  const shown = ok.length > 0 ? show(ok.map(f), unit, digits) : '—';
  return failed > 0 ? `${shown} (${failed} of ${runs.length} failed)` : shown;
}

/** The table of one kind: both ways of recovering side by side. */
export function printKind(r: KindResult): void {
  const row = (f: (x: RecoveryRun) => number, unit: string, digits: number): Record<string, string> => ({
    'all 8 peers': spread(r.many, f, unit, digits),
    'fastest peer alone': spread(r.single, f, unit, digits),
  });
  console.table({
    'spawn → exit': row((x) => x.ms / 1000, 's', 2),
    'lower bound': { 'all 8 peers': `${fmt(r.bound.many / 1000, 2)} s`, 'fastest peer alone': `${fmt(r.bound.single / 1000, 2)} s` },
    'time ÷ lower bound': {
      'all 8 peers': spread(r.many, (x) => x.ms / r.bound.many, '×', 2),
      'fastest peer alone': spread(r.single, (x) => x.ms / r.bound.single, '×', 2),
    },
    'peak RSS': row((x) => x.maxRss / MiB, 'MiB', 1),
    'bytes received': row((x) => sum(x.received) / MiB, 'MiB', 1),
    'bytes the server sent': row((x) => x.served / MiB, 'MiB', 1),
    'received ÷ least': row((x) => sum(x.received) / r.least, '×', 3),
  });
  const last = done(r.many).at(-1) ?? r.many.at(-1);
  if (last)
    console.log(
      `  bytes per peer, last round through all 8: ${PEERS.map((p, i) => `${p.name} ${fmt(last.received[i]! / MiB, 1)}`).join(', ')} MiB`,
    );
  for (const [how, runs] of [
    ['all 8 peers', r.many],
    ['fastest peer alone', r.single],
  ] as const)
    for (const [i, x] of runs.entries()) if (x.failure) console.log(`  ${how}, round ${i + 1} failed: ${x.failure}`);
  console.log(`  lower bound = ${BOUND_FORMULA}; least = ${fmt(r.least / MiB, 1)} MiB`);
}

/** MET/MISS lines of one kind (slowest rounds against slowest rounds; a failed round misses). */
export function targetsOf(r: KindResult): Target[] {
  const what = r.kind === 'scripts' ? '100 scripts' : 'descriptor';
  const many = done(r.many);
  const single = done(r.single);
  const allOk = many.length === r.many.length && many.length > 0;
  const slowest = (runs: RecoveryRun[]): number => spreadOf(runs.map((x) => x.ms))[2];
  const median = (runs: RecoveryRun[]): number => spreadOf(runs.map((x) => x.ms))[1];
  const speedUp = allOk && single.length > 0 ? slowest(single) / slowest(many) : NaN;
  const bytes = many.length > 0 ? Math.max(...many.map((x) => sum(x.received) / r.least)) : NaN;
  const every = [...r.many, ...r.single];
  return [
    {
      met: allOk && slowest(many) <= 1.3 * r.bound.many,
      line: `${what}: recovery through 8 peers ≤ 1.3× its lower bound (slowest round): ${allOk ? `${fmt(slowest(many) / r.bound.many, 2)}×` : 'a round failed'}`,
    },
    {
      met: speedUp >= 2.5,
      line: `${what}: ≥ 2.5× faster than the fastest peer alone (slowest rounds): ${Number.isNaN(speedUp) ? 'a round failed' : `${fmt(speedUp, 2)}× (medians ${fmt(median(single) / median(many), 2)}×)`}`,
    },
    {
      met: allOk && bytes <= 1.05,
      line: `${what}: bytes received ≤ 1.05× the least the protocol needs (every round through 8 peers): ${Number.isNaN(bytes) ? 'no round finished' : `${fmt(bytes, 3)}×`}`,
    },
    {
      met: every.every((x) => x.ok && x.found && x.twice === 0),
      line: `${what}: every round found the 20 payments from the birthday, not the one before it, none twice: ${every.map((x) => (x.ok ? (x.found && x.twice === 0 ? 'yes' : `no (${x.twice} twice)`) : 'failed')).join(', ')}`,
    },
  ];
}
