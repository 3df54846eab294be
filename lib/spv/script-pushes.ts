/**
 * The data pushed by a script (the elements a BIP37 bloom filter is
 * matched against: a P2PKH's key hash, a P2WPKH's program…). Parsing
 * stops at the first malformed push.
 */
export function scriptPushes(script: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < script.length;) {
    const op = script[i++]!;
    let n: number;
    if (op >= 0x01 && op <= 0x4b) n = op;
    else if (op === 0x4c) n = script[i++] ?? -1;
    else if (op === 0x4d) {
      n = (script[i] ?? -1) | ((script[i + 1] ?? 0) << 8);
      i += 2;
    } else if (op === 0x4e) {
      n = ((script[i] ?? -1) | ((script[i + 1] ?? 0) << 8) | ((script[i + 2] ?? 0) << 16) | ((script[i + 3] ?? 0) << 24)) >>> 0;
      i += 4;
    } else continue;
    if (n < 0 || i + n > script.length) break;
    if (n > 0) out.push(script.subarray(i, i + n));
    i += n;
  }
  return out;
}
