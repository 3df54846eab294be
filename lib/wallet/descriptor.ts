import { fromHex } from '../wire/hex.js';
import { networks, type Network } from '../wire/networks.js';
import { AddressError, addressToScript, scriptToAddress } from './address.js';
import { checkDescriptorChecksum, descriptorChecksum } from './descriptor-checksum.js';
import { DescriptorError, DescriptorErrorCode } from './descriptor-error.js';
import { DescriptorKey, type KeyNetwork } from './descriptor-key.js';
import { multisig, p2pk, p2pkh, p2sh, p2trKeyPath, p2wpkh, p2wsh, sortKeys } from './descriptor-scripts.js';

/**
 * One line of addresses a descriptor derives: `receive` and `change` for a
 * BIP389 `<0;1>` multipath descriptor (in that order), `receive` alone for
 * one without, and `path2`, `path3`, … for the further alternatives of a
 * longer multipath step.
 */
export type Keychain = 'receive' | 'change' | `path${number}`;

/** Bytes a P2SH redeem script may have (MAX_SCRIPT_ELEMENT_SIZE). */
const MAX_REDEEM_SCRIPT = 520;
/** Keys a `multi` may have (MAX_PUBKEYS_PER_MULTISIG). */
const MAX_MULTISIG_KEYS = 20;
/** Keys a bare (top-level) `multi` may have, as Bitcoin Core's descriptors allow. */
const MAX_BARE_MULTISIG_KEYS = 3;
/** Functions of the descriptor language rxbtc knows but does not derive. */
const UNSUPPORTED = new Set(['combo', 'rawtr', 'multi_a', 'sortedmulti_a', 'rawnode', 'musig']);

/** Where an expression stands: at the top, inside `sh()`, or inside `wsh()`. */
type Context = 'top' | 'sh' | 'wsh';

/** A descriptor's parse tree: a script expression over keys, or a fixed script (`addr`, `raw`). */
export type DescriptorNode =
  | {
      /** A single-key script. */
      fn: 'pk' | 'pkh' | 'wpkh' | 'tr';
      /** Its key. */
      key: DescriptorKey;
    }
  | {
      /** A script hash wrapping another expression. */
      fn: 'sh' | 'wsh';
      /** The wrapped expression. */
      inner: DescriptorNode;
    }
  | {
      /** A k-of-n multisig. */
      fn: 'multi' | 'sortedmulti';
      /** k. */
      threshold: number;
      /** The n keys. */
      keys: DescriptorKey[];
    }
  | {
      /** A fixed script (`addr`, `raw`). */
      fn: 'script';
      /** Its bytes. */
      script: Uint8Array;
    };
type Node = DescriptorNode;

/** Split `text` at its top-level commas; each part with its offset. */
function splitArgs(text: string, offset: number): { text: string; at: number }[] {
  const out: { text: string; at: number }[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    if (i === text.length || (c === ',' && depth === 0)) {
      out.push({ text: text.slice(start, i), at: offset + start });
      start = i + 1;
    }
  }
  return out;
}

function parseNode(text: string, at: number, ctx: Context, keys: DescriptorKey[]): Node {
  const m = /^([a-z_]+)\((.*)\)$/s.exec(text);
  if (!m) {
    const hint = /^[0-9a-fA-F[]|^[xt]p/.test(text) ? 'a key is not a script: wrap it (pk, wpkh, …)' : 'expected FUNCTION(…)';
    throw new DescriptorError(DescriptorErrorCode.Syntax, at, `${JSON.stringify(text.slice(0, 20))}: ${hint}`);
  }
  const fn = m[1]!;
  const inner = m[2]!;
  const innerAt = at + fn.length + 1;
  const args = splitArgs(inner, innerAt);
  const context = (allowed: readonly Context[]): void => {
    if (!allowed.includes(ctx)) throw new DescriptorError(DescriptorErrorCode.Context, at, `${fn}() is not allowed inside ${ctx}()`);
  };
  const one = (): { text: string; at: number } => {
    if (args.length !== 1) throw new DescriptorError(DescriptorErrorCode.Syntax, at, `${fn}() takes one argument`);
    return args[0]!;
  };
  const key = (arg: { text: string; at: number }, compressed: boolean): DescriptorKey => {
    if (/^[a-z_]+\(/.test(arg.text)) throw new DescriptorError(DescriptorErrorCode.Syntax, arg.at, `${fn}() takes a key, not a script`);
    const k = new DescriptorKey(arg.text, arg.at);
    if (k.xOnly && fn !== 'tr') throw new DescriptorError(DescriptorErrorCode.Key, arg.at, 'x-only keys belong in tr()');
    if (k.uncompressed && compressed) {
      throw new DescriptorError(
        DescriptorErrorCode.Context,
        arg.at,
        `an uncompressed key is not allowed in ${fn === 'tr' || fn === 'wpkh' ? fn : 'wsh'}()`,
      );
    }
    keys.push(k);
    return k;
  };
  switch (fn) {
    case 'pk':
    case 'pkh':
      return { fn, key: key(one(), ctx === 'wsh') };
    case 'wpkh':
      context(['top', 'sh']);
      return { fn, key: key(one(), true) };
    case 'tr':
      context(['top']);
      if (args.length > 1)
        throw new DescriptorError(DescriptorErrorCode.Unsupported, args[1]!.at, 'taproot script trees are not supported (key path only)');
      return { fn, key: key(one(), true) };
    case 'sh':
    case 'wsh': {
      context(fn === 'sh' ? ['top'] : ['top', 'sh']);
      const arg = one();
      return { fn, inner: parseNode(arg.text, arg.at, fn, keys) };
    }
    case 'multi':
    case 'sortedmulti': {
      const [first, ...rest] = args;
      const threshold = /^\d+$/.test(first?.text ?? '') ? Number(first!.text) : NaN;
      if (!Number.isSafeInteger(threshold) || threshold < 1 || threshold > rest.length) {
        throw new DescriptorError(
          DescriptorErrorCode.Syntax,
          innerAt,
          `threshold ${JSON.stringify(first?.text)} must be 1 to ${rest.length}`,
        );
      }
      const max = ctx === 'top' ? MAX_BARE_MULTISIG_KEYS : MAX_MULTISIG_KEYS;
      if (rest.length > max)
        throw new DescriptorError(DescriptorErrorCode.Context, at, `${rest.length} keys: ${fn}() here takes at most ${max}`);
      return { fn, threshold, keys: rest.map((a) => key(a, ctx === 'wsh')) };
    }
    case 'addr': {
      context(['top']);
      return { fn: 'script', script: decodeAddress(one().text, innerAt) };
    }
    case 'raw': {
      context(['top']);
      const hex = one().text;
      if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new DescriptorError(DescriptorErrorCode.Syntax, innerAt, 'raw() takes hex');
      return { fn: 'script', script: fromHex(hex.toLowerCase()) };
    }
    default:
      if (UNSUPPORTED.has(fn)) throw new DescriptorError(DescriptorErrorCode.Unsupported, at, `${fn}() is not supported`);
      throw new DescriptorError(DescriptorErrorCode.Syntax, at, `unknown function ${fn}()`);
  }
}

function decodeAddress(address: string, at: number): Uint8Array {
  for (const network of Object.values(networks)) {
    try {
      return addressToScript(address, network);
    } catch (e) {
      if (!(e instanceof AddressError)) throw e;
    }
  }
  throw new DescriptorError(DescriptorErrorCode.Syntax, at, `${JSON.stringify(address)} is not an address`);
}

function build(node: Node, path: number, index: number): Uint8Array {
  switch (node.fn) {
    case 'pk':
      return p2pk(node.key.publicKey(path, index));
    case 'pkh':
      return p2pkh(node.key.publicKey(path, index));
    case 'wpkh':
      return p2wpkh(node.key.publicKey(path, index));
    case 'tr':
      return p2trKeyPath(node.key.publicKey(path, index));
    case 'sh':
      return p2sh(build(node.inner, path, index));
    case 'wsh':
      return p2wsh(build(node.inner, path, index));
    case 'multi':
    case 'sortedmulti': {
      const keys = node.keys.map((k) => k.publicKey(path, index));
      return multisig(node.threshold, node.fn === 'sortedmulti' ? sortKeys(keys) : keys);
    }
    case 'script':
      return node.script;
  }
}

/** The script inside the outermost `sh()` (the redeem script), if any. */
const redeemOf = (node: Node, path: number): Uint8Array | undefined => (node.fn === 'sh' ? build(node.inner, path, 0) : undefined);

/**
 * A parsed output descriptor (BIP380–386, BIP389), watch-only: it derives
 * the output scripts and addresses of a wallet from its public keys.
 * Supported: `pk`, `pkh`, `wpkh`, `sh`, `wsh`, `multi`, `sortedmulti`,
 * `tr(KEY)` (key path only), `addr`, `raw`; keys as hex public keys or
 * xpub/tpub with an optional origin, unhardened steps, a ranged `/*` and a
 * multipath step `/<0;1>`.
 */
export class Descriptor {
  /** The text without its checksum. */
  readonly payload: string;
  /** Its BIP380 checksum. */
  readonly checksum: string;
  /** Whether it derives one script per index (a key ends in `/*`). */
  readonly isRange: boolean;
  /** The keychains it derives, `receive` (and `change`) first. */
  readonly keychains: readonly Keychain[];
  /** The network family of its extended keys (`main` for xpub, `test` for tpub), undefined without any. */
  readonly keyNetwork: KeyNetwork | undefined;
  private readonly node: Node;
  private readonly cache = new Map<string, Uint8Array>();

  /**
   * Use {@link parseDescriptor}.
   * @param payload - the text without checksum
   * @param node - its parse tree
   * @param keys - every key in it
   */
  constructor(payload: string, node: DescriptorNode, keys: readonly DescriptorKey[]) {
    this.payload = payload;
    this.checksum = descriptorChecksum(payload);
    this.node = node;
    this.isRange = keys.some((k) => k.isRange);
    const paths = Math.max(1, ...keys.map((k) => k.paths));
    this.keychains = Array.from({ length: paths }, (_, i): Keychain => (i === 0 ? 'receive' : i === 1 ? 'change' : `path${i}`));
    const families = new Set(keys.map((k) => k.network).filter((n) => n !== undefined));
    this.keyNetwork = families.size === 1 ? [...families][0] : undefined;
  }

  /** The descriptor with its checksum: `payload#checksum`. */
  toString(): string {
    return `${this.payload}#${this.checksum}`;
  }

  /**
   * The output script at an index of a keychain (the index is ignored by a
   * descriptor that is not a range).
   * @throws RangeError for a keychain it does not have, or an index outside 0…2^31−1
   */
  scriptAt(keychain: Keychain = 'receive', index = 0): Uint8Array {
    const path = this.pathOf(keychain);
    if (!Number.isSafeInteger(index) || index < 0 || index >= 0x8000_0000) throw new RangeError(`index ${index} is not 0…2^31−1`);
    const k = `${path}/${this.isRange ? index : 0}`;
    let script = this.cache.get(k);
    if (!script) {
      script = build(this.node, path, this.isRange ? index : 0);
      if (this.cache.size < 10_000) this.cache.set(k, script);
    }
    return script;
  }

  /** The address of {@link scriptAt} on `network`, or undefined for a script with no address (`pk`, bare `multi`, `raw`). */
  addressAt(keychain: Keychain, index: number, network: Network): string | undefined {
    return scriptToAddress(this.scriptAt(keychain, index), network);
  }

  /** The single-path descriptor of one keychain (BIP389's expansion), with its checksum. */
  forKeychain(keychain: Keychain): string {
    const path = this.pathOf(keychain);
    const single = this.payload.replace(/<([^>]*)>/g, (_, alternatives: string) => alternatives.split(';')[path]!);
    return `${single}#${descriptorChecksum(single)}`;
  }

  private pathOf(keychain: Keychain): number {
    const path = this.keychains.indexOf(keychain);
    if (path < 0) throw new RangeError(`the descriptor has no ${keychain} keychain (it has ${this.keychains.join(', ')})`);
    return path;
  }

  /** @internal The redeem script of a top-level `sh()`, for its size check. */
  redeemScript(path: number): Uint8Array | undefined {
    return redeemOf(this.node, path);
  }
}

/**
 * Parse an output descriptor. A text without `#checksum` is accepted; a
 * wrong one is refused with the position of the likely typo.
 * @param text - e.g. `wpkh([d34db33f/84h/1h/0h]tpub…/<0;1>/*)#checksum`
 * @param network - when given, extended keys must be of its family (xpub for mainnet, tpub otherwise)
 * @throws DescriptorError with a code and the position in `text`
 * @example
 * ```ts
 * import { parseDescriptor, networks } from 'rxbtc';
 * const d = parseDescriptor('wpkh(tpubD6Nz…/<0;1>/*)');
 * d.addressAt('change', 3, networks.regtest); // bcrt1q…
 * ```
 */
export function parseDescriptor(text: string, network?: Network): Descriptor {
  const payload = checkDescriptorChecksum(text.trim() === text ? text : text.trim());
  const offset = text.indexOf(payload);
  const keys: DescriptorKey[] = [];
  const node = parseNode(payload, offset, 'top', keys);
  const paths = new Set(keys.map((k) => k.paths).filter((n) => n > 1));
  if (paths.size > 1) {
    throw new DescriptorError(DescriptorErrorCode.Syntax, offset, `multipath steps of different lengths (${[...paths].join(', ')})`);
  }
  if (network) {
    const family: KeyNetwork = network.name === 'mainnet' ? 'main' : 'test';
    const wrong = keys.find((k) => k.network !== undefined && k.network !== family);
    if (wrong)
      throw new DescriptorError(
        DescriptorErrorCode.Key,
        text.indexOf(wrong.text),
        `${family === 'main' ? 'an xpub' : 'a tpub'} is needed on ${network.name}`,
      );
  }
  const descriptor = new Descriptor(payload, node, keys);
  const redeem = descriptor.redeemScript(0);
  if (redeem && redeem.length > MAX_REDEEM_SCRIPT) {
    throw new DescriptorError(
      DescriptorErrorCode.Context,
      offset,
      `the P2SH script has ${redeem.length} bytes, more than ${MAX_REDEEM_SCRIPT}`,
    );
  }
  return descriptor;
}
