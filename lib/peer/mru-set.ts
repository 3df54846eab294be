/**
 * A bounded set that forgets its least recently added entry when full,
 * like btcd's mruInventoryMap. Adding an existing key makes it the newest;
 * `has` does not.
 */
export class MruSet<T> {
  private readonly entries = new Map<T, true>();
  /** Most entries kept. */
  readonly capacity: number;

  /**
   * @param capacity - most entries kept
   * @throws RangeError when capacity is not a positive integer
   */
  constructor(capacity: number) {
    this.capacity = capacity;
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  /** Number of entries. */
  get size(): number {
    return this.entries.size;
  }

  /** Whether the key is present. */
  has(key: T): boolean {
    return this.entries.has(key);
  }

  /** Add a key (or make it the newest), evicting the oldest when full. */
  add(key: T): this {
    if (this.entries.delete(key) || this.entries.size < this.capacity) {
      this.entries.set(key, true);
      return this;
    }
    const oldest = this.entries.keys().next();
    if (!oldest.done) this.entries.delete(oldest.value);
    this.entries.set(key, true);
    return this;
  }

  /** Remove a key. */
  delete(key: T): boolean {
    return this.entries.delete(key);
  }
}
