import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { sha256 } from '../wire/hash.js';

/**
 * ElligatorSwift for secp256k1 as BIP324 specifies it: every 64 bytes
 * decode to a curve x coordinate, and a public key is encoded so that its
 * 64 bytes look uniformly random. Field arithmetic is @noble/curves'
 * (bigints modulo p); scalar multiplication is its constant-time ladder.
 */
const Fp = secp256k1.Point.Fp;
const P = Fp.ORDER;
/** √-3 mod p, the square one (BIP324's constant c). */
const C = 0xa2d2ba93507f1df233770c2a797962cc61f6d15da14ecd47d8d27ae1cd5f852n;
const SQRT_EXP = (P + 1n) / 4n;
const SEVEN = 7n;

/** "The" square root of BIP324: a^((p+1)/4) when it squares back to a, else undefined. */
function sqrt(a: bigint): bigint | undefined {
  const r = Fp.pow(a, SQRT_EXP);
  return Fp.eql(Fp.sqr(r), a) ? r : undefined;
}

/** Whether x is the x coordinate of a curve point (x³ + 7 is a square). */
function isValidX(x: bigint): boolean {
  return sqrt(Fp.add(Fp.mul(Fp.sqr(x), x), SEVEN)) !== undefined;
}

const cube = (u: bigint): bigint => Fp.mul(Fp.sqr(u), u);
/** a / b, with a / 0 = 0 as in the BIP's reference code (a·b^(p-2)). */
const div = (a: bigint, b: bigint): bigint => (b === 0n ? 0n : Fp.div(a, b));
const half = (a: bigint): bigint => div(a, 2n);

/** XSwiftEC(u, t): the x coordinate the pair (u, t) maps to (BIP324, inputs remapped away from infinity). */
export function xswiftec(u: bigint, t: bigint): bigint {
  u = Fp.create(u);
  t = Fp.create(t);
  if (u === 0n) u = 1n;
  if (t === 0n) t = 1n;
  if (Fp.add(Fp.add(cube(u), Fp.sqr(t)), SEVEN) === 0n) t = Fp.add(t, t);
  const X = div(Fp.sub(Fp.add(cube(u), SEVEN), Fp.sqr(t)), Fp.add(t, t));
  const Y = div(Fp.add(X, t), Fp.mul(C, u));
  const x1 = Fp.add(u, Fp.mul(4n, Fp.sqr(Y)));
  if (isValidX(x1)) return x1;
  const x2 = half(Fp.sub(Fp.neg(div(X, Y)), u));
  if (isValidX(x2)) return x2;
  return half(Fp.sub(div(X, Y), u)); // one of the three is always on the curve
}

/** XSwiftECInv(x, u, case): a t with XSwiftEC(u, t) = x for this case (0..7), or undefined. */
export function xswiftecInv(x: bigint, u: bigint, which: number): bigint | undefined {
  let v: bigint;
  let s: bigint;
  if ((which & 2) === 0) {
    if (isValidX(Fp.sub(Fp.neg(x), u))) return undefined;
    v = x;
    s = Fp.neg(div(Fp.add(cube(u), SEVEN), Fp.add(Fp.add(Fp.sqr(u), Fp.mul(u, v)), Fp.sqr(v))));
  } else {
    s = Fp.sub(x, u);
    if (s === 0n) return undefined;
    const r = sqrt(Fp.neg(Fp.mul(s, Fp.add(Fp.mul(4n, Fp.add(cube(u), SEVEN)), Fp.mul(Fp.mul(3n, Fp.sqr(u)), s)))));
    if (r === undefined) return undefined;
    if ((which & 1) === 1 && r === 0n) return undefined;
    v = half(Fp.sub(div(r, s), u));
  }
  const w = sqrt(s);
  if (w === undefined) return undefined;
  const minusC = Fp.add(half(Fp.mul(u, Fp.sub(1n, C))), v);
  const plusC = Fp.add(half(Fp.mul(u, Fp.add(1n, C))), v);
  switch (which & 5) {
    case 0:
      return Fp.neg(Fp.mul(w, minusC));
    case 1:
      return Fp.mul(w, plusC);
    case 4:
      return Fp.mul(w, minusC);
    default:
      return Fp.neg(Fp.mul(w, plusC));
  }
}

/** Source of randomness: fills the array (default: the platform CSPRNG). */
export type RandomBytes = (n: number) => Uint8Array;

/** The platform CSPRNG (`crypto.getRandomValues`, in browsers and Node). */
export const randomBytes: RandomBytes = (n) => crypto.getRandomValues(new Uint8Array(n));

/** XElligatorSwift(x): a uniformly chosen 64-byte encoding u ‖ t of the x coordinate. */
export function ellswiftEncode(x: Uint8Array, random: RandomBytes = randomBytes): Uint8Array {
  const xv = bytesToNumberBE(x);
  for (;;) {
    const r = random(33);
    const u = Fp.create(bytesToNumberBE(r.subarray(0, 32)));
    if (u === 0n) continue;
    const t = xswiftecInv(xv, u, r[32]! & 7);
    if (t === undefined) continue;
    const out = new Uint8Array(64);
    out.set(numberToBytesBE(u, 32), 0);
    out.set(numberToBytesBE(t, 32), 32);
    return out;
  }
}

/** The x coordinate (32 bytes, big-endian) that a 64-byte ElligatorSwift encoding stands for. */
export function ellswiftDecode(encoding: Uint8Array): Uint8Array {
  if (encoding.length !== 64) throw new RangeError('an ElligatorSwift encoding is 64 bytes');
  return numberToBytesBE(xswiftec(bytesToNumberBE(encoding.subarray(0, 32)), bytesToNumberBE(encoding.subarray(32, 64))), 32);
}

/** An ephemeral key pair: the private key and its 64-byte ElligatorSwift public key. */
export interface EllswiftKeyPair {
  /** 32-byte private key. */
  privateKey: Uint8Array;
  /** 64-byte ElligatorSwift encoding of the public key's x coordinate. */
  publicKey: Uint8Array;
}

/** ellswift_create: a fresh private key and a uniformly sampled encoding of its public key. */
export function ellswiftCreate(random: RandomBytes = randomBytes): EllswiftKeyPair {
  const privateKey = secp256k1.utils.randomSecretKey(random(48));
  return { privateKey, publicKey: ellswiftEncode(secp256k1.getPublicKey(privateKey, true).subarray(1), random) };
}

/** ellswift_ecdh_xonly: x(priv · lift_x(decode(theirs))), 32 bytes. */
export function ellswiftEcdhXonly(theirs: Uint8Array, privateKey: Uint8Array): Uint8Array {
  const point = Uint8Array.of(0x02, ...ellswiftDecode(theirs));
  return secp256k1.getSharedSecret(privateKey, point, true).subarray(1);
}

const ECDH_TAG = sha256(new TextEncoder().encode('bip324_ellswift_xonly_ecdh'));

/** BIP340-style tagged SHA-256 with the `bip324_ellswift_xonly_ecdh` tag. */
function taggedEcdhHash(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 64);
  const data = new Uint8Array(total);
  data.set(ECDH_TAG, 0);
  data.set(ECDH_TAG, 32);
  let at = 64;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  return sha256(data);
}

/**
 * v2_ecdh: the shared secret of a BIP324 handshake, binding both encodings
 * (the initiator's first) and the x-only ECDH result.
 */
export function v2Ecdh(privateKey: Uint8Array, theirs: Uint8Array, ours: Uint8Array, initiating: boolean): Uint8Array {
  const x = ellswiftEcdhXonly(theirs, privateKey);
  return taggedEcdhHash(initiating ? [ours, theirs, x] : [theirs, ours, x]);
}
