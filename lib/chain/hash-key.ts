/** A 32-byte hash (wire order) as the latin1 string key used by {@link sha256dKey}. */
export function hashKey(hash: Uint8Array): string {
  let s = '';
  for (const b of hash) s += String.fromCharCode(b);
  return s;
}

/** The hash bytes (wire order) of a latin1 key. */
export function keyToHash(key: string): Uint8Array {
  const out = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) out[i] = key.charCodeAt(i);
  return out;
}

/** Display (reversed) hex of a key. */
export function keyToHex(key: string): string {
  let s = '';
  for (let i = key.length - 1; i >= 0; i--) s += key.charCodeAt(i).toString(16).padStart(2, '0');
  return s;
}

/** Whether the 32 bytes of `bytes` at `offset` equal a key, without building a string or a view. */
export function keyEqualsAt(key: string, bytes: Uint8Array, offset: number): boolean {
  for (let i = 0; i < 32; i++) if (bytes[offset + i] !== key.charCodeAt(i)) return false;
  return true;
}
