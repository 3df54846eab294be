import { bitsInfo } from './bits-cache.js';
import type { HeaderIndex } from './header-index.js';

/** Positions between two exact chain-work values. */
const MARK_EVERY = 1024;

/**
 * Exact cumulative chain work of the best chain at every 1,024th position
 * (a bigint each: about 880 for 900,000 headers), from which the work at
 * any position is exact too: the mark below it plus the work of each
 * header's `bits` since, summed by runs of equal `bits` (one run per
 * retarget period on mainnet). Nothing is approximated, so the most-work
 * rule compares exact values.
 */
export class WorkMarks {
  private readonly marks: bigint[] = [];

  /**
   * Recompute every mark from the index.
   * @param rootWork - work of the chain up to and including position 0
   */
  rebuild(index: HeaderIndex, rootWork: bigint): void {
    this.marks.length = 0;
    let work = rootWork;
    this.marks.push(work);
    let p = 1;
    while (p < index.count) {
      const end = Math.min(index.count, (Math.floor(p / MARK_EVERY) + 1) * MARK_EVERY);
      work = sumRuns(index, p, end - 1, work);
      if (end < index.count) {
        work += bitsInfo(index.bits(end)).work;
        this.marks.push(work);
      }
      p = end + 1;
    }
  }

  /** Record the exact work at position `p` when it is a mark position. */
  note(p: number, work: bigint): void {
    if (p % MARK_EVERY === 0) this.marks[p / MARK_EVERY] = work;
  }

  /** Forget marks at positions `keep` and above. */
  truncate(keep: number): void {
    this.marks.length = Math.min(this.marks.length, Math.ceil(keep / MARK_EVERY));
  }

  /** Exact work of the chain up to and including position `p`. */
  at(index: HeaderIndex, p: number): bigint {
    const m = Math.floor(p / MARK_EVERY);
    return sumRuns(index, m * MARK_EVERY + 1, p, this.marks[m]!);
  }
}

/** `work` plus the work of positions `from`..`to`, one multiplication per run of equal bits. */
function sumRuns(index: HeaderIndex, from: number, to: number, work: bigint): bigint {
  let p = from;
  while (p <= to) {
    const bits = index.bits(p);
    let q = p + 1;
    while (q <= to && index.bits(q) === bits) q++;
    work += bitsInfo(bits).work * BigInt(q - p);
    p = q;
  }
  return work;
}
