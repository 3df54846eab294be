import { createCipheriv, createHash } from 'node:crypto';

/** Keystream bytes made at a time. */
const REFILL = 256 * 1024;

/**
 * Deterministic bytes for one block: the AES-128-CTR keystream of a key
 * derived from the seed, with the height as the counter's start (fast: a
 * heavy block takes about 300 KB of it).
 */
export class KeyStream {
  private readonly next: (n: number) => Uint8Array;
  private buffer: Uint8Array = new Uint8Array(0);
  private at = 0;

  constructor(seed: number, height: number) {
    const key = createHash('sha256').update(`rxbtc many-peers bench ${seed}`).digest().subarray(0, 16);
    const iv = Buffer.alloc(16);
    iv.writeUInt32BE(height, 0);
    const cipher = createCipheriv('aes-128-ctr', key, iv);
    this.next = (n) => cipher.update(new Uint8Array(n));
  }

  /** The next `n` bytes: a view that stays valid (a refill makes a new buffer, it never overwrites). */
  bytes(n: number): Uint8Array {
    if (this.at + n > this.buffer.length) {
      this.buffer = this.next(Math.max(REFILL, n));
      this.at = 0;
    }
    this.at += n;
    return this.buffer.subarray(this.at - n, this.at);
  }

  /** A uniform integer in [0, n) for n ≤ 2^32 (from 32 bits; the bias is negligible here). */
  below(n: number): number {
    const b = this.bytes(4);
    return Math.floor((((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) * (n / 2 ** 32));
  }
}
