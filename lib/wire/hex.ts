/** ASCII codes of the hex digits. */
const HEX_CODES = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const ascii = new TextDecoder();

/**
 * Lower-case hex of the bytes, in order. Built as ASCII bytes and decoded
 * once: a flat string (appending two digits at a time makes a chain of
 * string pieces that costs several times its length while it is kept, as
 * a map key is).
 */
export function toHex(bytes: Uint8Array): string {
  const out = new Uint8Array(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) {
    out[2 * i] = HEX_CODES[bytes[i]! >> 4]!;
    out[2 * i + 1] = HEX_CODES[bytes[i]! & 15]!;
  }
  return ascii.decode(out);
}

/**
 * Bytes from a hex string.
 * @throws TypeError when the string is not even-length hex
 */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new TypeError('expected an even-length hex string');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * A hash as people write it: hex of the bytes reversed (block explorers,
 * RPC). Wire order is the reverse of display order.
 */
export function hashToHex(hash: Uint8Array): string {
  const out = new Uint8Array(hash.length * 2);
  for (let i = 0, j = hash.length - 1; j >= 0; i += 2, j--) {
    out[i] = HEX_CODES[hash[j]! >> 4]!;
    out[i + 1] = HEX_CODES[hash[j]! & 15]!;
  }
  return ascii.decode(out);
}

/** Wire-order bytes of a hash written in display (reversed) hex. */
export function hashFromHex(hex: string): Uint8Array {
  if (hex.length !== 64) throw new TypeError('a hash is 64 hex characters');
  return fromHex(hex).reverse();
}

/** Whether two byte arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A hash shortened for display: the first and last 8 hex digits of {@link hashToHex}, e.g. `00000000…f5de59d2`. */
export function shortHash(hash: Uint8Array): string {
  const hex = hashToHex(hash);
  return `${hex.slice(0, 8)}…${hex.slice(-8)}`;
}
