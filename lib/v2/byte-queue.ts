/**
 * Received bytes waiting to be read, kept as the chunks they came in: a
 * read within the first chunk is a view, a read across chunks is one copy
 * of exactly the bytes asked for (a 1 MB packet in 64 KiB chunks is copied
 * once, when it is complete).
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private offset = 0;
  private total = 0;

  /** Bytes buffered. */
  get length(): number {
    return this.total;
  }

  /** Append a chunk. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** The first `n` bytes (n ≤ length) without consuming them. */
  peek(n: number): Uint8Array {
    return this.take(n, false);
  }

  /** Consume and return the first `n` bytes (n ≤ length). */
  read(n: number): Uint8Array {
    return this.take(n, true);
  }

  /** Consume everything buffered. */
  drain(): Uint8Array[] {
    const out = this.chunks.map((c, i) => (i === 0 ? c.subarray(this.offset) : c));
    this.chunks = [];
    this.offset = 0;
    this.total = 0;
    return out;
  }

  private take(n: number, consume: boolean): Uint8Array {
    if (n > this.total) throw new RangeError(`${n} bytes asked, ${this.total} buffered`);
    const first = this.chunks[0];
    if (first && this.offset + n <= first.length) {
      const view = first.subarray(this.offset, this.offset + n);
      if (consume) this.skip(n);
      return view;
    }
    const out = new Uint8Array(n);
    let at = 0;
    let offset = this.offset;
    for (const c of this.chunks) {
      const piece = c.subarray(offset, Math.min(c.length, offset + n - at));
      out.set(piece, at);
      at += piece.length;
      offset = 0;
      if (at === n) break;
    }
    if (consume) this.skip(n);
    return out;
  }

  private skip(n: number): void {
    this.total -= n;
    while (n > 0) {
      const c = this.chunks[0]!;
      const left = c.length - this.offset;
      if (n < left) {
        this.offset += n;
        return;
      }
      n -= left;
      this.chunks.shift();
      this.offset = 0;
    }
  }
}
