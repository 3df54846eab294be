/** A run of heights, both ends included (`to` may be `Infinity`: every height from `from` on). */
export interface HeightRange {
  /** First height. */
  readonly from: number;
  /** Last height, or `Infinity`. */
  readonly to: number;
}

/**
 * A set of block heights as sorted, disjoint, non-adjacent runs: the heights
 * a registration still has to have checked. It starts as every height from
 * its hint on; a pass over the filters takes runs out; a reorganisation puts
 * every height above the fork back.
 */
export class HeightRanges {
  private runs: HeightRange[];

  /** @param from - every height from here on is in the set */
  constructor(from: number) {
    this.runs = [{ from, to: Infinity }];
  }

  /** The runs, lowest first. */
  get list(): readonly HeightRange[] {
    return this.runs;
  }

  /** The lowest height in the set, or `Infinity` when it is empty. */
  get first(): number {
    return this.runs[0]?.from ?? Infinity;
  }

  /** Whether no height up to `height` is in the set. */
  clearTo(height: number): boolean {
    return this.first > height;
  }

  /** Put `from`…`to` in the set. */
  add(from: number, to: number): void {
    if (from > to) return;
    const out: HeightRange[] = [];
    let lo = from;
    let hi = to;
    for (const r of this.runs) {
      if (r.to < lo - 1 || r.from > hi + 1) out.push(r);
      else {
        lo = Math.min(lo, r.from);
        hi = Math.max(hi, r.to);
      }
    }
    out.push({ from: lo, to: hi });
    this.runs = out.sort((a, b) => a.from - b.from);
  }

  /** Take `from`…`to` out of the set. */
  remove(from: number, to: number): void {
    if (from > to) return;
    const out: HeightRange[] = [];
    for (const r of this.runs) {
      if (r.to < from || r.from > to) {
        out.push(r);
        continue;
      }
      if (r.from < from) out.push({ from: r.from, to: from - 1 });
      if (r.to > to) out.push({ from: to + 1, to: r.to });
    }
    this.runs = out;
  }
}
