import type { ScriptLookahead } from './script-lookahead.js';

/** A second pass over filters: scripts derived after the blocks `from`…`to` were scanned. */
export interface SecondPass {
  /** The scripts. */
  scripts: Uint8Array[];
  /** First height. */
  from: number;
  /** Last height (the height scanned when it runs, at most). */
  to: number;
}

/**
 * What a BIP158 watch still owes the scripts its keychains derived on the
 * way: the blocks their lookahead hits point to (asked for at once), and
 * second passes over the filters for the scripts not matched ahead, or for
 * blocks scanned before this watch began (a resumed wallet).
 */
export class SecondPasses {
  private readonly lookahead: ScriptLookahead;
  private readonly first: number;
  private readonly sessionFirst: number;
  private readonly owed: SecondPass[] = [];

  /**
   * @param lookahead - the scripts matched ahead and their hits
   * @param first - the first height scripts are checked from (the birthday, not below the chain's root)
   * @param sessionFirst - the first height this watch scans
   */
  constructor(lookahead: ScriptLookahead, first: number, sessionFirst: number) {
    this.lookahead = lookahead;
    this.first = first;
    this.sessionFirst = sessionFirst;
  }

  /** Scripts just derived: the heights whose blocks they need now (their hits); the rest is owed as second passes. */
  derived(scripts: readonly Uint8Array[]): number[] {
    const { heights, uncovered } = this.lookahead.take(scripts);
    const covered = scripts.filter((s) => !uncovered.includes(s));
    if (uncovered.length > 0) this.owed.push({ scripts: uncovered, from: this.first, to: Infinity });
    if (covered.length > 0 && this.first < this.sessionFirst)
      this.owed.push({ scripts: covered, from: this.first, to: this.sessionFirst - 1 });
    return heights;
  }

  /** The passes owed, merged into one up to `scanned`; undefined when none is. */
  take(scanned: number): SecondPass | undefined {
    if (this.owed.length === 0) return undefined;
    const pass = {
      scripts: this.owed.flatMap((r) => r.scripts),
      from: Math.min(...this.owed.map((r) => r.from)),
      to: Math.min(scanned, Math.max(...this.owed.map((r) => r.to))),
    };
    this.owed.length = 0;
    return pass;
  }
}
