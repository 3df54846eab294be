const scratch = new Uint32Array(3);

/**
 * The index words of a header (see `INDEX_WORDS`): the first 8 bytes of
 * its hash (a latin1 key, wire order) as two little-endian 32-bit words,
 * then `bits`. Returns a shared scratch array: copy it before the next call.
 */
export function indexWords(key: string, bits: number): Uint32Array {
  scratch[0] = (key.charCodeAt(0) | (key.charCodeAt(1) << 8) | (key.charCodeAt(2) << 16) | (key.charCodeAt(3) << 24)) >>> 0;
  scratch[1] = (key.charCodeAt(4) | (key.charCodeAt(5) << 8) | (key.charCodeAt(6) << 16) | (key.charCodeAt(7) << 24)) >>> 0;
  scratch[2] = bits >>> 0;
  return scratch;
}
