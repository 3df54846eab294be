import { scriptKey } from '../wallet/keychains.js';
import type { Keychains } from '../wallet/keychains.js';
import { matchingItems, type GcsFilter } from './gcs-filter.js';

/** Indices past those derived that a descriptor wallet's scan matches ahead of time, per keychain. */
export const FILTER_LOOKAHEAD = 100;

/**
 * The scripts a descriptor wallet would derive next (see
 * `Keychains.ahead`), matched in every filter of a scan beside the watched
 * ones, and where each hit: a payment found later to one of them (an
 * address used out of order, beyond the gap limit when its block was
 * scanned) then needs only the blocks it hit, not a second pass over every
 * filter. Scripts that were not ahead when the scan began are not covered
 * and need that pass. Holds a few numbers per hit (hits are false
 * positives at 1 in 784,931, or real payments).
 */
export class ScriptLookahead {
  /** The scripts matched ahead. */
  readonly list: readonly Uint8Array[];
  private readonly keys: readonly string[];
  private readonly covered: ReadonlySet<string>;
  private readonly hits = new Map<string, number[]>();

  /**
   * @param keychains - the wallet's keychains (none: nothing ahead)
   * @param count - indices ahead per ranged keychain
   */
  constructor(keychains: Keychains | undefined, count = FILTER_LOOKAHEAD) {
    this.list = keychains?.ahead(count) ?? [];
    this.keys = this.list.map(scriptKey);
    this.covered = new Set(this.keys);
  }

  /** Record, for a filter that matched none of the watched scripts but some of these, which ones it matched. */
  record(height: number, filter: GcsFilter): void {
    for (const i of matchingItems(filter, this.list)) {
      const key = this.keys[i]!;
      const heights = this.hits.get(key);
      if (heights) heights.push(height);
      else this.hits.set(key, [height]);
    }
  }

  /**
   * Scripts just derived: the heights their earlier hits need checked
   * (their blocks), and those of them this scan did not match ahead.
   */
  take(scripts: readonly Uint8Array[]): { heights: number[]; uncovered: Uint8Array[] } {
    const heights = new Set<number>();
    const uncovered: Uint8Array[] = [];
    for (const script of scripts) {
      const key = scriptKey(script);
      if (!this.covered.has(key)) {
        uncovered.push(script);
        continue;
      }
      for (const h of this.hits.get(key) ?? []) heights.add(h);
      this.hits.delete(key);
    }
    return { heights: [...heights].sort((a, b) => a - b), uncovered };
  }
}
