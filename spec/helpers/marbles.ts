import { TestScheduler } from 'rxjs/testing';

/** A TestScheduler whose assertions are jest's deep equality. */
export function marbles(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** A distinct, recognisable 32-byte hash: `n` little-endian in the first 4 bytes, `n & 0xff` after. */
export function fakeHash(n: number): Uint8Array {
  return new Uint8Array(32).fill(n & 0xff).map((b, i) => (i < 4 ? (n >> (i * 8)) & 0xff : b));
}
