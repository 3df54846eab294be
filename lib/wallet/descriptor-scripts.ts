import { ripemd160 } from '@noble/hashes/legacy.js';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { sha256 } from '../wire/hash.js';

/** Opcodes the standard output templates use. */
const OP = { DUP: 0x76, HASH160: 0xa9, EQUAL: 0x87, EQUALVERIFY: 0x88, CHECKSIG: 0xac, CHECKMULTISIG: 0xae, ONE: 0x51 } as const;

/** RIPEMD160(SHA256(data)): the hash in P2PKH, P2WPKH and P2SH. */
export function hash160(data: Uint8Array): Uint8Array {
  return ripemd160(sha256(data));
}

/** A push of `data` (at most 75 bytes: keys and hashes). */
const push = (data: Uint8Array): number[] => [data.length, ...data];
/** A small number as a script pushes it: OP_1…OP_16, else a one-byte push. */
const number = (n: number): number[] => (n >= 1 && n <= 16 ? [OP.ONE + n - 1] : [1, n]);

/** `<key> OP_CHECKSIG` (BIP381 `pk`). */
export const p2pk = (key: Uint8Array): Uint8Array => Uint8Array.from([...push(key), OP.CHECKSIG]);

/** `OP_DUP OP_HASH160 <hash160(key)> OP_EQUALVERIFY OP_CHECKSIG` (BIP381 `pkh`). */
export const p2pkh = (key: Uint8Array): Uint8Array =>
  Uint8Array.from([OP.DUP, OP.HASH160, ...push(hash160(key)), OP.EQUALVERIFY, OP.CHECKSIG]);

/** `OP_HASH160 <hash160(script)> OP_EQUAL` (BIP381 `sh`). */
export const p2sh = (script: Uint8Array): Uint8Array => Uint8Array.from([OP.HASH160, ...push(hash160(script)), OP.EQUAL]);

/** `OP_0 <hash160(key)>` (BIP382 `wpkh`). */
export const p2wpkh = (key: Uint8Array): Uint8Array => Uint8Array.from([0, ...push(hash160(key))]);

/** `OP_0 <sha256(script)>` (BIP382 `wsh`). */
export const p2wsh = (script: Uint8Array): Uint8Array => Uint8Array.from([0, ...push(sha256(script))]);

/** `OP_k <key>… OP_n OP_CHECKMULTISIG` (BIP383 `multi`; `sortedmulti` sorts the keys first). */
export function multisig(threshold: number, keys: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from([...number(threshold), ...keys.flatMap(push), ...number(keys.length), OP.CHECKMULTISIG]);
}

/** Keys in the order `sortedmulti` uses: lexicographic by their bytes. */
export function sortKeys(keys: readonly Uint8Array[]): Uint8Array[] {
  return [...keys].sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  });
}

/**
 * `OP_1 <Q>` where Q is the BIP341 key-path-only output key of an internal
 * key (BIP86; BIP386 `tr(KEY)` without a script tree): Q = P + int(hashTapTweak(P))·G.
 * @param key - 32-byte x-only key, or a 33-byte compressed one (its x is used)
 */
export function p2trKeyPath(key: Uint8Array): Uint8Array {
  const x = key.length === 33 ? key.subarray(1) : key;
  const p = schnorr.utils.lift_x(bytesToNumberBE(x));
  const t = bytesToNumberBE(schnorr.utils.taggedHash('TapTweak', x));
  if (t >= secp256k1.Point.CURVE().n) throw new RangeError('taproot tweak out of range');
  const q = p.add(secp256k1.Point.BASE.multiply(t));
  return Uint8Array.from([OP.ONE, 32, ...q.toBytes(true).subarray(1)]);
}
