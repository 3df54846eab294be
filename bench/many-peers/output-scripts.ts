import type { KeyStream } from './keystream.js';

/**
 * A random output script in a mix like mainnet's recent blocks (by share of
 * outputs): P2WPKH 44 %, P2TR 18 %, P2PKH 15 %, P2SH 12 %, P2WSH 7 %,
 * OP_RETURN 4 % (which basic filters leave out).
 */
export function randomScript(ks: KeyStream): Uint8Array {
  const kind = ks.below(100);
  if (kind < 44) return withPrefix([0x00, 0x14], ks.bytes(20));
  if (kind < 62) return withPrefix([0x51, 0x20], ks.bytes(32));
  if (kind < 77) return withPrefix([0x76, 0xa9, 0x14], ks.bytes(20), [0x88, 0xac]);
  if (kind < 89) return withPrefix([0xa9, 0x14], ks.bytes(20), [0x87]);
  if (kind < 96) return withPrefix([0x00, 0x20], ks.bytes(32));
  const data = ks.bytes(20 + ks.below(21));
  return withPrefix([0x6a, data.length], data);
}

function withPrefix(prefix: number[], body: Uint8Array, suffix: number[] = []): Uint8Array {
  const out = new Uint8Array(prefix.length + body.length + suffix.length);
  out.set(prefix);
  out.set(body, prefix.length);
  out.set(suffix, prefix.length + body.length);
  return out;
}
