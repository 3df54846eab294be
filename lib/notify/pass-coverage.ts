import type { Watcher } from './watcher.js';

/**
 * What one pass over the filters `first`…`last` checks for whom. The
 * registrations running when it starts are checked at every height of it; one
 * that joins while it runs is matched against every filter that arrives from
 * then on, so it is counted as checked only above the highest height matched
 * when it joined (heights below, even those whose filters come later, are
 * left for the next pass: filters arrive in any order).
 */
export class PassCoverage {
  /** First height of the pass. */
  readonly first: number;
  /** Last height of the pass. */
  readonly last: number;
  private readonly starts = new Map<Watcher, number>();
  private matched: number;

  /**
   * @param first - first height
   * @param last - last height
   * @param members - the registrations running at the start
   */
  constructor(first: number, last: number, members: Iterable<Watcher>) {
    this.first = first;
    this.last = last;
    this.matched = first - 1;
    for (const w of members) this.starts.set(w, first);
  }

  /** A registration joins the running pass. */
  join(w: Watcher): void {
    if (!this.starts.has(w)) this.starts.set(w, Math.max(this.first, this.matched + 1));
  }

  /** The filter at `height` is being matched (with every registration running now). */
  matching(height: number): void {
    if (height > this.matched) this.matched = height;
  }

  /** Every block of the pass up to `height` was matched and those that matched were searched. */
  checked(height: number): void {
    const to = Math.min(height, this.last);
    for (const [w, start] of this.starts) w.needs.remove(start, to);
  }
}
