import type { Sample } from './soak-client.js';
import type { SoakPayment } from './soak-schedule.js';

/** How the client reported the payments. */
export interface PaymentCheck {
  /** Payments whose confirmation in their final block was told exactly once, and last. */
  once: number;
  /** Payments told confirmed in their final block more than once. */
  twice: number;
  /** Payments whose last event is not that confirmation (missed). */
  missed: number;
  /** Transactions told that are not payments. */
  strangers: number;
  /** Payments seen in the mempool before their block. */
  fromMempool: number;
}

interface TxLine {
  txid: string;
  status: string;
  blockHash?: string;
}

/** Compare the client's `tx` lines with where each payment ended up. */
export function checkPayments(lines: readonly string[], payments: readonly SoakPayment[]): PaymentCheck {
  const events = lines.flatMap((l) => {
    try {
      const j = JSON.parse(l) as Record<string, unknown>;
      return j['event'] === 'tx' ? [j as unknown as TxLine] : [];
    } catch {
      return [];
    }
  });
  const ids = new Set(payments.map((p) => p.txid));
  const check: PaymentCheck = { once: 0, twice: 0, missed: 0, strangers: events.filter((e) => !ids.has(e.txid)).length, fromMempool: 0 };
  for (const p of payments) {
    const mine = events.filter((e) => e.txid === p.txid);
    const final = mine.filter((e) => e.status === 'confirmed' && e.blockHash === p.blockHash).length;
    const last = mine.at(-1);
    if (mine.some((e) => e.status === 'mempool')) check.fromMempool++;
    if (final > 1) check.twice++;
    else if (final === 1 && last?.status === 'confirmed' && last.blockHash === p.blockHash) check.once++;
    else check.missed++;
  }
  return check;
}

/** Peak RSS of the samples in the first and the last quarter of [from, to]. */
export function quarterPeaks(samples: readonly Sample[], from: number, to: number): { first: number; last: number } {
  const q = (to - from) / 4;
  const peak = (a: number, b: number): number => Math.max(0, ...samples.filter((s) => s.at >= a && s.at <= b).map((s) => s.rss));
  return { first: peak(from, from + q), last: peak(to - q, to) };
}

/** Datadir bytes gained per block in each quarter of the soak, from the samples nearest each quarter's ends. */
export function growthPerBlock(samples: readonly Sample[], marks: readonly { at: number; height: number }[]): number[] {
  const sizeAt = (t: number): number => samples.reduce((best, s) => (Math.abs(s.at - t) < Math.abs(best.at - t) ? s : best)).datadir;
  const out: number[] = [];
  for (let i = 1; i < marks.length; i++) {
    const [a, b] = [marks[i - 1]!, marks[i]!];
    out.push((sizeAt(b.at) - sizeAt(a.at)) / Math.max(1, b.height - a.height));
  }
  return out;
}
