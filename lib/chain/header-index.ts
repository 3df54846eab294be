import { INDEX_WORDS } from './header-store.js';

/** Largest share of table slots in use before the table doubles. */
const MAX_LOAD = 0.7;
/** Fewest slots a table has. */
const MIN_SLOTS = 1024;
/** Positions per chunk appended past the words the index was opened with (2^16: 768 KiB of words). */
const CHUNK_BITS = 16;
const CHUNK_POSITIONS = 1 << CHUNK_BITS;

/**
 * The best chain's per-header data, {@link INDEX_WORDS} words per position
 * (the first 8 bytes of the hash, then `bits`: a struct of arrays, 12 bytes
 * a header), and a hash table over it: open addressing with linear
 * probing, keyed by the hash's first 4 bytes, each slot holding a position
 * + 1 (0 when empty), so about 6 bytes a header at the table's usual load.
 * The words are the array the index was opened with, then chunks of
 * 65,536 positions: growing never copies what is held nor holds it twice.
 * A lookup compares 8 bytes of hash; the caller confirms a hit against the
 * full hash (false hits are 1 in 2^64 per entry probed).
 */
export class HeaderIndex {
  /** The words it was opened with (taken over), and its capacity in positions. */
  private readonly base: Uint32Array;
  private readonly baseCap: number;
  /** Positions from `baseCap` on, {@link CHUNK_POSITIONS} a chunk. */
  private readonly chunks: Uint32Array[] = [];
  private slots: Uint32Array;
  private mask: number;
  private size: number;

  /**
   * @param words - initial words (taken over, not copied), at least `count * INDEX_WORDS`
   * @param count - positions in use
   */
  constructor(words: Uint32Array, count: number) {
    this.base = words;
    this.baseCap = Math.floor(words.length / INDEX_WORDS);
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

  /** Bytes held (the words and the table), for memory reports. */
  get bytes(): number {
    return this.base.byteLength + this.chunks.reduce((n, c) => n + c.byteLength, 0) + this.slots.byteLength;
  }

  /** Word `k` of position `p`. */
  private word(p: number, k: number): number {
    if (p < this.baseCap) return this.base[p * INDEX_WORDS + k]!;
    const q = p - this.baseCap;
    return this.chunks[q >>> CHUNK_BITS]![(q & (CHUNK_POSITIONS - 1)) * INDEX_WORDS + k]!;
  }

  /** `bits` at a position. */
  bits(p: number): number {
    return this.word(p, 2);
  }

  /** Whether the hash at position `p` starts with the 8 bytes `w0`, `w1`. */
  matches(p: number, w0: number, w1: number): boolean {
    return this.word(p, 0) === w0 && this.word(p, 1) === w1;
  }

  /** A copy of the words of positions `from`..`from + n - 1`. */
  slice(from: number, n: number): Uint32Array {
    const out = new Uint32Array(n * INDEX_WORDS);
    for (let i = 0; i < n; i++) for (let k = 0; k < INDEX_WORDS; k++) out[i * INDEX_WORDS + k] = this.word(from + i, k);
    return out;
  }

  /** Append a position with these words (see `indexWords`). */
  push(w: Uint32Array): void {
    const p = this.size;
    let array = this.base;
    let o = p * INDEX_WORDS;
    if (p >= this.baseCap) {
      const q = p - this.baseCap;
      const c = q >>> CHUNK_BITS;
      if (c === this.chunks.length) this.chunks.push(new Uint32Array(CHUNK_POSITIONS * INDEX_WORDS));
      array = this.chunks[c]!;
      o = (q & (CHUNK_POSITIONS - 1)) * INDEX_WORDS;
    }
    array[o] = w[0]!;
    array[o + 1] = w[1]!;
    array[o + 2] = w[2]!;
    this.size++;
    if (this.size > (this.mask + 1) * MAX_LOAD) this.rehash((this.mask + 1) * 2);
    else this.place(p);
  }

  /** Forget positions `keep` and above (chunks wholly past them are let go). */
  truncate(keep: number): void {
    if (keep >= this.size) return;
    if (this.size - keep > this.size / 4) {
      this.size = keep;
      this.rehash(this.mask + 1);
    } else {
      while (this.size > keep) this.remove(--this.size);
    }
    const past = this.size - this.baseCap;
    this.chunks.length = past > 0 ? Math.min(this.chunks.length, Math.ceil(past / CHUNK_POSITIONS)) : 0;
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
    let s = this.word(p, 0) & this.mask;
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
    let i = this.word(p, 0) & this.mask;
    while (this.slots[i] !== p + 1) i = (i + 1) & this.mask;
    for (let j = (i + 1) & this.mask; this.slots[j] !== 0; j = (j + 1) & this.mask) {
      const home = this.word(this.slots[j]! - 1, 0) & this.mask;
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
