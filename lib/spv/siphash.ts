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

/**
 * SipHash-2-4 of `data` under `key`.
 * @returns the 64-bit result as [high 32 bits, low 32 bits] (unsigned)
 */
export function siphash24(key: SipKey, data: Uint8Array): [number, number] {
  const out = new Uint32Array(2);
  siphash24Into(key, data, out);
  return [out[0]!, out[1]!];
}

/**
 * SipHash-2-4 of `data` under `key` into `out` (high 32 bits at 0, low at
 * 1), allocating nothing: for loops that hash millions of items.
 */
export function siphash24Into(key: SipKey, data: Uint8Array, out: Uint32Array): void {
  // The state lives in locals (v0..v3 as high/low u32 halves): module variables would box every store.
  let v0h = (key[1] ^ 0x736f6d65) >>> 0;
  let v0l = (key[0] ^ 0x70736575) >>> 0;
  let v1h = (key[3] ^ 0x646f7261) >>> 0;
  let v1l = (key[2] ^ 0x6e646f6d) >>> 0;
  let v2h = (key[1] ^ 0x6c796765) >>> 0;
  let v2l = (key[0] ^ 0x6e657261) >>> 0;
  let v3h = (key[3] ^ 0x74656462) >>> 0;
  let v3l = (key[2] ^ 0x79746573) >>> 0;
  const n = data.length;
  const blocks = n >>> 3;
  // Block `blocks` is the tail (remaining bytes, then the length in the top byte); after it come the finalization rounds.
  for (let b = 0; b <= blocks + 1; b++) {
    const last = b === blocks + 1;
    let mh = 0;
    let ml = 0;
    if (b < blocks) {
      ml = le32(data, b * 8);
      mh = le32(data, b * 8 + 4);
    } else if (!last) {
      mh = (n & 0xff) << 24;
      for (let i = blocks * 8, s = 0; i < n; i++, s += 8) {
        if (s < 32) ml |= data[i]! << s;
        else mh |= data[i]! << (s - 32);
      }
      mh >>>= 0;
      ml >>>= 0;
    }
    if (last) v2l = (v2l ^ 0xff) >>> 0;
    else {
      v3h = (v3h ^ mh) >>> 0;
      v3l = (v3l ^ ml) >>> 0;
    }
    for (let r = last ? 4 : 2; r > 0; r--) {
      // v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
      let l = v0l + v1l;
      v0h = (v0h + v1h + (l > 0xffffffff ? 1 : 0)) >>> 0;
      v0l = l >>> 0;
      let h = v1h;
      l = v1l;
      v1h = (((h << 13) | (l >>> 19)) ^ v0h) >>> 0;
      v1l = (((l << 13) | (h >>> 19)) ^ v0l) >>> 0;
      h = v0h;
      v0h = v0l;
      v0l = h;
      // v2 += v3; v3 = rotl(v3, 16); v3 ^= v2
      l = v2l + v3l;
      v2h = (v2h + v3h + (l > 0xffffffff ? 1 : 0)) >>> 0;
      v2l = l >>> 0;
      h = v3h;
      l = v3l;
      v3h = (((h << 16) | (l >>> 16)) ^ v2h) >>> 0;
      v3l = (((l << 16) | (h >>> 16)) ^ v2l) >>> 0;
      // v0 += v3; v3 = rotl(v3, 21); v3 ^= v0
      l = v0l + v3l;
      v0h = (v0h + v3h + (l > 0xffffffff ? 1 : 0)) >>> 0;
      v0l = l >>> 0;
      h = v3h;
      l = v3l;
      v3h = (((h << 21) | (l >>> 11)) ^ v0h) >>> 0;
      v3l = (((l << 21) | (h >>> 11)) ^ v0l) >>> 0;
      // v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
      l = v2l + v1l;
      v2h = (v2h + v1h + (l > 0xffffffff ? 1 : 0)) >>> 0;
      v2l = l >>> 0;
      h = v1h;
      l = v1l;
      v1h = (((h << 17) | (l >>> 15)) ^ v2h) >>> 0;
      v1l = (((l << 17) | (h >>> 15)) ^ v2l) >>> 0;
      h = v2h;
      v2h = v2l;
      v2l = h;
    }
    if (!last) {
      v0h = (v0h ^ mh) >>> 0;
      v0l = (v0l ^ ml) >>> 0;
    }
  }
  out[0] = v0h ^ v1h ^ v2h ^ v3h;
  out[1] = v0l ^ v1l ^ v2l ^ v3l;
}
