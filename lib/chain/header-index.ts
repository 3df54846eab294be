import { INDEX_WORDS } from './header-store.js';

/** Largest share of table slots in use before the table doubles. */
const MAX_LOAD = 0.7;
/** Fewest slots a table has. */
const MIN_SLOTS = 1024;

/**
 * The best chain's per-header data, as one growable array of
 * {@link INDEX_WORDS} words per position (the first 8 bytes of the hash,
 * then `bits`: a struct of arrays, 12 bytes a header), and a hash table
 * over it: open addressing with linear probing, keyed by the hash's first
 * 4 bytes, each slot holding a position + 1 (0 when empty), so about 6
 * bytes a header at the table's usual load. A lookup compares 8 bytes of
 * hash; the caller confirms a hit against the full hash (false hits are
 * 1 in 2^64 per entry probed).
 */
export class HeaderIndex {
  private words: Uint32Array;
  private slots: Uint32Array;
  private mask: number;
  private size: number;

  /**
   * @param words - initial words (taken over, not copied), at least `count * INDEX_WORDS`
   * @param count - positions in use
   */
  constructor(words: Uint32Array, count: number) {
    this.words = words;
    this.size = count;
    let cap = MIN_SLOTS;
    while (count > cap * MAX_LOAD) cap *= 2;
    this.slots = new Uint32Array(cap);
    this.mask = cap - 1;
    for (let p = 0; p < count; p++) this.place(p);
  }

  /** Positions in use. */
  get count(): number {
    return this.size;
  }

  /** Bytes held (the words array and the table), for memory reports. */
  get bytes(): number {
    return this.words.byteLength + this.slots.byteLength;
  }

  /** `bits` at a position. */
  bits(p: number): number {
    return this.words[p * INDEX_WORDS + 2]!;
  }

  /** Whether the hash at position `p` starts with the 8 bytes `w0`, `w1`. */
  matches(p: number, w0: number, w1: number): boolean {
    const o = p * INDEX_WORDS;
    return this.words[o] === w0 && this.words[o + 1] === w1;
  }

  /** A copy of the words of positions `from`..`from + n - 1`. */
  slice(from: number, n: number): Uint32Array {
    return this.words.slice(from * INDEX_WORDS, (from + n) * INDEX_WORDS);
  }

  /** Append a position with these words (see `indexWords`). */
  push(w: Uint32Array): void {
    const o = this.size * INDEX_WORDS;
    if (o + INDEX_WORDS > this.words.length) {
      const bigger = new Uint32Array(Math.max(this.words.length * 2, 1024 * INDEX_WORDS));
      bigger.set(this.words.subarray(0, o));
      this.words = bigger;
    }
    this.words[o] = w[0]!;
    this.words[o + 1] = w[1]!;
    this.words[o + 2] = w[2]!;
    this.size++;
    if (this.size > (this.mask + 1) * MAX_LOAD) this.rehash((this.mask + 1) * 2);
    else this.place(this.size - 1);
  }

  /** Forget positions `keep` and above. */
  truncate(keep: number): void {
    if (keep >= this.size) return;
    if (this.size - keep > this.size / 4) {
      this.size = keep;
      this.rehash(this.mask + 1);
      return;
    }
    while (this.size > keep) this.remove(--this.size);
  }

  /**
   * The first position whose hash starts with `w0`, `w1` and that `confirm`
   * accepts, or -1.
   */
  find(w0: number, w1: number, confirm: (p: number) => boolean): number {
    for (let s = w0 & this.mask; ; s = (s + 1) & this.mask) {
      const v = this.slots[s]!;
      if (v === 0) return -1;
      const p = v - 1;
      if (this.matches(p, w0, w1) && confirm(p)) return p;
    }
  }

  private place(p: number): void {
    let s = this.words[p * INDEX_WORDS]! & this.mask;
    while (this.slots[s] !== 0) s = (s + 1) & this.mask;
    this.slots[s] = p + 1;
  }

  private rehash(cap: number): void {
    this.slots = new Uint32Array(cap);
    this.mask = cap - 1;
    for (let p = 0; p < this.size; p++) this.place(p);
  }

  /** Linear probing's deletion by backward shift (no tombstones): later entries of the run move up to fill the gap. */
  private remove(p: number): void {
    let i = this.words[p * INDEX_WORDS]! & this.mask;
    while (this.slots[i] !== p + 1) i = (i + 1) & this.mask;
    for (let j = (i + 1) & this.mask; this.slots[j] !== 0; j = (j + 1) & this.mask) {
      const home = this.words[(this.slots[j]! - 1) * INDEX_WORDS]! & this.mask;
      // Move slot j into the gap at i unless its home lies cyclically in (i, j].
      const between = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!between) {
        this.slots[i] = this.slots[j]!;
        i = j;
      }
    }
    this.slots[i] = 0;
  }
}
