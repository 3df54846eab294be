import { ChunkedRecords, MEMORY_CHUNK } from '../../lib/chain/chunked-records.js';

/** Records 0..n-1 of `width` bytes, record i filled with (i + j) & 0xff. */
const records = (from: number, n: number, width: number): Uint8Array =>
  Uint8Array.from({ length: n * width }, (_, k) => (from + Math.floor(k / width) + (k % width)) & 0xff);

describe('ChunkedRecords', () => {
  it('puts runs that cross chunk boundaries and reads any span back', () => {
    const r = new ChunkedRecords(3, (n) => new Uint8Array(n));
    r.put(0, records(0, MEMORY_CHUNK - 2, 3));
    r.put(MEMORY_CHUNK - 2, records(MEMORY_CHUNK - 2, MEMORY_CHUNK + 5, 3)); // spans the end of chunk 0, all of 1, into 2
    const total = 2 * MEMORY_CHUNK + 3;
    expect(r.read(0, total)).toEqual(records(0, total, 3));
    expect(r.read(MEMORY_CHUNK - 1, 3)).toEqual(records(MEMORY_CHUNK - 1, 3, 3));
  });

  it('keeps the first records and overwrites what follows', () => {
    const r = new ChunkedRecords(2, (n) => new Uint32Array(n));
    r.put(
      0,
      Uint32Array.from({ length: 2 * (MEMORY_CHUNK + 10) }, (_, i) => i),
    );
    r.keep(5);
    r.put(5, Uint32Array.from([7, 7, 8, 8]));
    expect(Array.from(r.read(3, 4))).toEqual([6, 7, 8, 9, 7, 7, 8, 8]);
    // Positions in dropped chunks come back as new (zero) chunks when written past.
    r.put(MEMORY_CHUNK + 1, Uint32Array.from([1, 2]));
    expect(Array.from(r.read(MEMORY_CHUNK, 2))).toEqual([0, 0, 1, 2]);
  });
});
