import type { FilterLoadMessage } from '../wire/messages/bloom.js';
import { BloomFlag, MAX_BLOOM_FILTER_SIZE, MAX_BLOOM_HASH_FUNCS } from '../wire/messages/bloom.js';
import { murmur3 } from './murmur3.js';

const LN2 = Math.LN2;
/** BIP37's seed multiplier. */
const SEED_STEP = 0xfba4c795;

/**
 * A BIP37 bloom filter: sized for `elements` at a false-positive rate,
 * capped at 36,000 bytes and 50 hash functions as the BIP requires, with a
 * tweak and update flags. Load it into a peer with {@link BloomFilter.toMessage}.
 */
export class BloomFilter {
  /** The bit field. */
  readonly bits: Uint8Array;
  /** Number of hash functions. */
  readonly hashFuncs: number;
  /** Random value added to every hash seed. */
  readonly tweak: number;
  /** A {@link BloomFlag}: how a peer updates the filter when an output matches. */
  readonly flags: number;

  /**
   * @param elements - how many elements it is meant to hold (≥ 1)
   * @param falsePositiveRate - the wanted rate, in (0, 1)
   * @param tweak - a random u32 (vary it per filter for privacy)
   * @param flags - a {@link BloomFlag} @default BloomFlag.All
   * @throws RangeError for an impossible size or rate
   */
  constructor(elements: number, falsePositiveRate: number, tweak = 0, flags: number = BloomFlag.All) {
    if (!(elements >= 1) || !(falsePositiveRate > 0 && falsePositiveRate < 1))
      throw new RangeError('need elements ≥ 1 and a rate in (0, 1)');
    const size = Math.min(Math.floor(((-1 / (LN2 * LN2)) * elements * Math.log(falsePositiveRate)) / 8), MAX_BLOOM_FILTER_SIZE);
    this.bits = new Uint8Array(Math.max(1, size));
    this.hashFuncs = Math.max(1, Math.min(Math.floor(((this.bits.length * 8) / elements) * LN2), MAX_BLOOM_HASH_FUNCS));
    this.tweak = tweak >>> 0;
    this.flags = flags;
  }

  /** A filter from a `filterload` message's fields (as a peer would hold it). */
  static fromMessage(m: Pick<FilterLoadMessage, 'filter' | 'hashFuncs' | 'tweak' | 'flags'>): BloomFilter {
    const f = Object.create(BloomFilter.prototype) as { -readonly [K in keyof BloomFilter]: BloomFilter[K] };
    f.bits = m.filter.slice();
    f.hashFuncs = m.hashFuncs;
    f.tweak = m.tweak >>> 0;
    f.flags = m.flags;
    return f as BloomFilter;
  }

  private bit(i: number, data: Uint8Array): number {
    return murmur3((Math.imul(i, SEED_STEP) + this.tweak) >>> 0, data) % (this.bits.length * 8);
  }

  /** Add an element (a script data push, an outpoint, a txid…). */
  insert(data: Uint8Array): void {
    for (let i = 0; i < this.hashFuncs; i++) {
      const b = this.bit(i, data);
      this.bits[b >>> 3]! |= 1 << (b & 7);
    }
  }

  /** Whether the element may be in the filter. */
  contains(data: Uint8Array): boolean {
    for (let i = 0; i < this.hashFuncs; i++) {
      const b = this.bit(i, data);
      if ((this.bits[b >>> 3]! & (1 << (b & 7))) === 0) return false;
    }
    return true;
  }

  /** The `filterload` message that installs this filter in a peer. */
  toMessage(): FilterLoadMessage {
    return { command: 'filterload', filter: this.bits.slice(), hashFuncs: this.hashFuncs, tweak: this.tweak, flags: this.flags };
  }
}
