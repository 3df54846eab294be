import { scriptKey } from '../wallet/keychains.js';
import type { Keychains } from '../wallet/keychains.js';
import type { GcsFilter } from './gcs-filter.js';

/**
 * Indices past those derived that a descriptor wallet's scan matches ahead
 * of time, per keychain: a recovery that uses fewer new addresses than this
 * reads every filter once. Matching a mainnet-sized filter (7,500 items)
 * against 440 scripts costs about 200 µs against 150 µs for 40, and deriving
 * them about 1.25 ms each, done in slices before the first filter arrives.
 */
export const FILTER_LOOKAHEAD = 200;
/** Scripts derived between two turns of the event loop while the lookahead is prepared. */
const DERIVE_SLICE = 16;

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
  private readonly scripts: Uint8Array[] = [];
  private readonly keys: string[] = [];
  private readonly covered = new Set<string>();
  private readonly hits = new Map<string, number[]>();
  private readonly keychains: Keychains | undefined;
  private readonly count: number;
  private preparing: Promise<void> | undefined;

  /**
   * @param keychains - the wallet's keychains (none: nothing ahead)
   * @param count - indices ahead per ranged keychain
   */
  constructor(keychains: Keychains | undefined, count = FILTER_LOOKAHEAD) {
    this.keychains = keychains;
    this.count = count;
  }

  /** The scripts matched ahead (empty until {@link prepare} resolved). */
  get list(): readonly Uint8Array[] {
    return this.scripts;
  }

  /**
   * Derive the scripts ahead, a slice at a time so that a few hundred
   * derivations do not hold up the peers' traffic; once, before the first
   * filter is matched.
   */
  prepare(): Promise<void> {
    this.preparing ??= (async () => {
      const ahead = this.keychains?.aheadOf(this.count) ?? [];
      for (let i = 0; i < ahead.length; i += DERIVE_SLICE) {
        for (const next of ahead.slice(i, i + DERIVE_SLICE)) {
          const script = next();
          const key = scriptKey(script);
          this.scripts.push(script);
          this.keys.push(key);
          this.covered.add(key);
        }
        await new Promise((r) => setTimeout(r, 0));
      }
    })();
    return this.preparing;
  }

  /** Record, for a filter that matched none of the watched scripts but some of these, which ones it matched. */
  record(height: number, filter: GcsFilter): void {
    for (const i of filter.matching(this.list)) {
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
