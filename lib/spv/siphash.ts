/**
 * SipHash-2-4 (Aumasson and Bernstein), the keyed hash of BIP158's filters.
 * No well-kept npm package provides it (@noble/hashes does not), so it is
 * written here once, on 32-bit halves so that no BigInt is made per hash,
 * and tested against the reference vectors.
 */

/** A 128-bit key as four little-endian 32-bit words: k0 low, k0 high, k1 low, k1 high. */
export type SipKey = readonly [number, number, number, number];

/** The first 16 bytes of `bytes` as a SipHash key. */
export function sipKey(bytes: Uint8Array): SipKey {
  if (bytes.length < 16) throw new RangeError('a SipHash key is 16 bytes');
  return [le32(bytes, 0), le32(bytes, 4), le32(bytes, 8), le32(bytes, 12)];
}

function le32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

// State: v0..v3 as (hi, lo) pairs of u32, in module scratch (hashing is synchronous).
let v0h = 0, v0l = 0, v1h = 0, v1l = 0, v2h = 0, v2l = 0, v3h = 0, v3l = 0; // prettier-ignore

function round(): void {
  // v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
  let l = (v0l >>> 0) + (v1l >>> 0); // state words may be signed after ^=: add them unsigned
  v0h = (v0h + v1h + (l > 0xffffffff ? 1 : 0)) >>> 0;
  v0l = l >>> 0;
  let h = v1h;
  l = v1l;
  v1h = ((h << 13) | (l >>> 19)) >>> 0;
  v1l = ((l << 13) | (h >>> 19)) >>> 0;
  v1h ^= v0h;
  v1l ^= v0l;
  h = v0h;
  v0h = v0l;
  v0l = h;
  // v2 += v3; v3 = rotl(v3, 16); v3 ^= v2
  l = (v2l >>> 0) + (v3l >>> 0); // state words may be signed after ^=: add them unsigned
  v2h = (v2h + v3h + (l > 0xffffffff ? 1 : 0)) >>> 0;
  v2l = l >>> 0;
  h = v3h;
  l = v3l;
  v3h = ((h << 16) | (l >>> 16)) >>> 0;
  v3l = ((l << 16) | (h >>> 16)) >>> 0;
  v3h ^= v2h;
  v3l ^= v2l;
  // v0 += v3; v3 = rotl(v3, 21); v3 ^= v0
  l = (v0l >>> 0) + (v3l >>> 0); // state words may be signed after ^=: add them unsigned
  v0h = (v0h + v3h + (l > 0xffffffff ? 1 : 0)) >>> 0;
  v0l = l >>> 0;
  h = v3h;
  l = v3l;
  v3h = ((h << 21) | (l >>> 11)) >>> 0;
  v3l = ((l << 21) | (h >>> 11)) >>> 0;
  v3h ^= v0h;
  v3l ^= v0l;
  // v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
  l = (v2l >>> 0) + (v1l >>> 0); // state words may be signed after ^=: add them unsigned
  v2h = (v2h + v1h + (l > 0xffffffff ? 1 : 0)) >>> 0;
  v2l = l >>> 0;
  h = v1h;
  l = v1l;
  v1h = ((h << 17) | (l >>> 15)) >>> 0;
  v1l = ((l << 17) | (h >>> 15)) >>> 0;
  v1h ^= v2h;
  v1l ^= v2l;
  h = v2h;
  v2h = v2l;
  v2l = h;
}

function compress(mh: number, ml: number): void {
  v3h ^= mh;
  v3l ^= ml;
  round();
  round();
  v0h ^= mh;
  v0l ^= ml;
}

/**
 * SipHash-2-4 of `data` under `key`.
 * @returns the 64-bit result as [high 32 bits, low 32 bits] (unsigned)
 */
export function siphash24(key: SipKey, data: Uint8Array): [number, number] {
  const [k0l, k0h, k1l, k1h] = key;
  v0h = (k0h ^ 0x736f6d65) >>> 0;
  v0l = (k0l ^ 0x70736575) >>> 0;
  v1h = (k1h ^ 0x646f7261) >>> 0;
  v1l = (k1l ^ 0x6e646f6d) >>> 0;
  v2h = (k0h ^ 0x6c796765) >>> 0;
  v2l = (k0l ^ 0x6e657261) >>> 0;
  v3h = (k1h ^ 0x74656462) >>> 0;
  v3l = (k1l ^ 0x79746573) >>> 0;
  const n = data.length;
  const end = n - (n % 8);
  for (let i = 0; i < end; i += 8) compress(le32(data, i + 4), le32(data, i));
  // The last block: the remaining bytes, then the length in the top byte.
  let ml = 0;
  let mh = (n & 0xff) << 24;
  for (let i = end, s = 0; i < n; i++, s += 8) {
    if (s < 32) ml |= data[i]! << s;
    else mh |= data[i]! << (s - 32);
  }
  compress(mh >>> 0, ml >>> 0);
  v2l ^= 0xff;
  round();
  round();
  round();
  round();
  return [(v0h ^ v1h ^ v2h ^ v3h) >>> 0, (v0l ^ v1l ^ v2l ^ v3l) >>> 0];
}
