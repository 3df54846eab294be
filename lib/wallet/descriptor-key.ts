import { secp256k1 } from '@noble/curves/secp256k1.js';
import { createBase58check } from '@scure/base';
import { HDKey } from '@scure/bip32';
import { sha256 } from '../wire/hash.js';
import { DescriptorError, DescriptorErrorCode } from './descriptor-error.js';

/** BIP32 version bytes of extended keys: mainnet (xpub/xprv) and the test networks (tpub/tprv). */
const VERSIONS = {
  main: { public: 0x0488b21e, private: 0x0488ade4 },
  test: { public: 0x043587cf, private: 0x04358394 },
} as const;
/** Indices at and above this are hardened (BIP32). */
const HARDENED = 0x8000_0000;
const base58check = createBase58check(sha256);

/** Which networks an extended key's version bytes belong to: mainnet, or the test networks (testnet, signet, regtest). */
export type KeyNetwork = 'main' | 'test';

/** How a key may be written where it appears. */
export type KeyFormat = 'any' | 'compressed' | 'x-only';

/**
 * A BIP380 key expression, watch-only: a hex public key, or an xpub/tpub
 * with an optional origin, unhardened derivation steps, at most one BIP389
 * multipath step `<a;b;…>` and an optional final `/*`.
 */
export class DescriptorKey {
  /** The expression as written. */
  readonly text: string;
  /** Alternatives of the multipath step (1 when there is none). */
  readonly paths: number;
  /** Whether it ends in `/*` (one key per index). */
  readonly isRange: boolean;
  /** The network family of an extended key, undefined for a hex key. */
  readonly network: KeyNetwork | undefined;
  private readonly fixed: Uint8Array | undefined;
  private readonly root: HDKey | undefined;
  private readonly steps: readonly (number | readonly number[])[];
  private readonly parents = new Map<number, HDKey>();

  /**
   * @param text - the key expression
   * @param position - where it starts in the descriptor (for errors)
   * @throws DescriptorError for anything but a public key rxbtc can derive
   */
  constructor(text: string, position: number) {
    this.text = text;
    let at = 0;
    if (text.startsWith('[')) {
      const close = text.indexOf(']');
      if (close < 0) throw new DescriptorError(DescriptorErrorCode.Syntax, position, 'key origin without ]');
      parseOrigin(text.slice(1, close), position + 1);
      at = close + 1;
    }
    const rest = text.slice(at);
    if (rest.includes('[') || rest.includes(']')) {
      throw new DescriptorError(DescriptorErrorCode.Syntax, position + at, 'a key has at most one origin, before it');
    }
    if (rest === '') throw new DescriptorError(DescriptorErrorCode.Key, position + at, 'a key origin with no key');
    const [body = '', ...stepTexts] = rest.split('/');
    const keyAt = position + at;
    if (/^[xt]prv/.test(body) || isWif(body)) {
      throw new DescriptorError(
        DescriptorErrorCode.PrivateKey,
        keyAt,
        'private keys are refused: rxbtc is watch-only (give the public key or xpub)',
      );
    }
    if (/^[xt]pub/.test(body)) {
      this.network = body.startsWith('x') ? 'main' : 'test';
      try {
        this.root = HDKey.fromExtendedKey(body, VERSIONS[this.network]);
      } catch (e) {
        throw new DescriptorError(
          DescriptorErrorCode.Key,
          keyAt,
          `not an extended public key: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      const parsed = parseSteps(stepTexts, keyAt + body.length + 1);
      this.steps = parsed.steps;
      this.isRange = parsed.wildcard;
      const multi = this.steps.find((s) => typeof s !== 'number');
      this.paths = multi === undefined ? 1 : multi.length;
    } else {
      if (stepTexts.length > 0)
        throw new DescriptorError(DescriptorErrorCode.Syntax, keyAt + body.length, 'only an extended key can be derived');
      this.fixed = parseHexKey(body, keyAt);
      this.network = undefined;
      this.steps = [];
      this.isRange = false;
      this.paths = 1;
    }
  }

  /** Whether it is an uncompressed (65-byte) public key. */
  get uncompressed(): boolean {
    return this.fixed?.length === 65;
  }

  /** Whether it is written as a 32-byte x-only key (BIP340, `tr()` only). */
  get xOnly(): boolean {
    return this.fixed?.length === 32;
  }

  /**
   * The public key for one multipath alternative and index (ignored when not
   * a range): 33 bytes compressed, 65 uncompressed, or 32 when written x-only.
   */
  publicKey(path: number, index: number): Uint8Array {
    if (this.fixed) return this.fixed;
    const parent = this.parent(path);
    const key = this.isRange ? parent.deriveChild(index) : parent;
    return key.publicKey!;
  }

  private parent(path: number): HDKey {
    let key = this.parents.get(path);
    if (!key) {
      key = this.root!;
      for (const s of this.steps) key = key.deriveChild(typeof s === 'number' ? s : s[Math.min(path, s.length - 1)]!);
      this.parents.set(path, key);
    }
    return key;
  }
}

function isWif(text: string): boolean {
  try {
    const bytes = base58check.decode(text);
    return (bytes[0] === 0x80 || bytes[0] === 0xef) && (bytes.length === 33 || (bytes.length === 34 && bytes[33] === 1));
  } catch {
    return false;
  }
}

/** A derivation step: a decimal below 2^31, `h` or `'` marking it hardened. */
function parseStep(text: string, position: number): number {
  const m = /^(\d+)([h']?)$/.exec(text);
  const n = m ? Number(m[1]) : NaN;
  if (!m || !Number.isSafeInteger(n) || n >= HARDENED) {
    throw new DescriptorError(DescriptorErrorCode.Syntax, position, `${JSON.stringify(text)} is not a derivation step`);
  }
  return m[2] ? n + HARDENED : n;
}

function parseOrigin(text: string, position: number): void {
  const [fingerprint = '', ...steps] = text.split('/');
  if (!/^[0-9a-fA-F]{8}$/.test(fingerprint)) {
    throw new DescriptorError(DescriptorErrorCode.Syntax, position, 'a key origin starts with a fingerprint of 8 hex characters');
  }
  let at = position + fingerprint.length + 1;
  for (const s of steps) {
    parseStep(s, at);
    at += s.length + 1;
  }
}

function parseSteps(texts: readonly string[], position: number): { steps: (number | number[])[]; wildcard: boolean } {
  const steps: (number | number[])[] = [];
  let wildcard = false;
  let at = position;
  let multipath = false;
  for (const t of texts) {
    if (wildcard) throw new DescriptorError(DescriptorErrorCode.Syntax, at, '* must be the last step');
    if (t === '*') wildcard = true;
    else if (t === '*h' || t === "*'") {
      throw new DescriptorError(DescriptorErrorCode.Hardened, at, 'hardened children need the private key: rxbtc is watch-only');
    } else if (t.startsWith('<') || t.endsWith('>')) {
      if (multipath) throw new DescriptorError(DescriptorErrorCode.Syntax, at, 'a key has at most one multipath step');
      if (!t.startsWith('<') || !t.endsWith('>')) throw new DescriptorError(DescriptorErrorCode.Syntax, at, 'a multipath step is <a;b;…>');
      const parts = t.slice(1, -1).split(';');
      if (parts.length < 2) throw new DescriptorError(DescriptorErrorCode.Syntax, at, 'a multipath step has at least two alternatives');
      let p = at + 1;
      steps.push(
        parts.map((x) => {
          const n = parseStep(x, p);
          p += x.length + 1;
          return n;
        }),
      );
      multipath = true;
    } else steps.push(parseStep(t, at));
    const last = steps.at(-1);
    if (t !== '*' && (typeof last === 'number' ? last >= HARDENED : last?.some((n) => n >= HARDENED))) {
      throw new DescriptorError(DescriptorErrorCode.Hardened, at, 'hardened derivation needs the private key: rxbtc is watch-only');
    }
    at += t.length + 1;
  }
  return { steps, wildcard };
}

function parseHexKey(text: string, position: number): Uint8Array {
  if (!/^([0-9a-fA-F]{2})+$/.test(text))
    throw new DescriptorError(DescriptorErrorCode.Key, position, `${JSON.stringify(text)} is not a key`);
  const bytes = Uint8Array.from(text.match(/../g)!, (h) => parseInt(h, 16));
  const ok = (bytes.length === 33 && (bytes[0] === 2 || bytes[0] === 3)) || (bytes.length === 65 && bytes[0] === 4) || bytes.length === 32;
  if (!ok) throw new DescriptorError(DescriptorErrorCode.Key, position, `${bytes.length} bytes are not a public key`);
  try {
    secp256k1.Point.fromBytes(bytes.length === 32 ? Uint8Array.of(2, ...bytes) : bytes);
  } catch {
    throw new DescriptorError(DescriptorErrorCode.Key, position, 'not a point on secp256k1');
  }
  return bytes;
}
