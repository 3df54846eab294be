/** Records a memory store keeps in one buffer: it grows a chunk at a time, never by copying all it holds. */
export const MEMORY_CHUNK = 4096;

/**
 * Fixed-size records in chunks of {@link MEMORY_CHUNK}, for the memory
 * stores of headers and filter headers: appends copy nothing but the
 * records, no buffer is bigger than a chunk, and none is held twice while
 * growing.
 */
export class ChunkedRecords<A extends Uint8Array | Uint32Array> {
  private readonly chunks: A[] = [];
  private readonly width: number;
  private readonly make: (length: number) => A;

  /**
   * @param width - items a record takes
   * @param make - a new array of that many items
   */
  constructor(width: number, make: (length: number) => A) {
    this.width = width;
    this.make = make;
  }

  /** Put whole records, concatenated (one or more of `width` items), from position `p`. */
  put(p: number, records: Uint8Array | Uint32Array): void {
    const n = records.length / this.width;
    for (let done = 0; done < n;) {
      const at = (p + done) % MEMORY_CHUNK;
      const c = Math.floor((p + done) / MEMORY_CHUNK);
      while (this.chunks.length <= c) this.chunks.push(this.make(MEMORY_CHUNK * this.width));
      const take = Math.min(n - done, MEMORY_CHUNK - at);
      this.chunks[c]!.set(records.subarray(done * this.width, (done + take) * this.width), at * this.width);
      done += take;
    }
  }

  /** Positions `from`..`from + n - 1`, copied into one array. */
  read(from: number, n: number): A {
    const out = this.make(n * this.width);
    for (let done = 0; done < n;) {
      const p = from + done;
      const at = p % MEMORY_CHUNK;
      const take = Math.min(n - done, MEMORY_CHUNK - at);
      out.set(this.chunks[Math.floor(p / MEMORY_CHUNK)]!.subarray(at * this.width, (at + take) * this.width), done * this.width);
      done += take;
    }
    return out;
  }

  /** Drop the chunks past the first `count` positions. */
  keep(count: number): void {
    this.chunks.length = Math.min(this.chunks.length, Math.ceil(count / MEMORY_CHUNK));
  }
}
