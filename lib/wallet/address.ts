import { bech32, bech32m, createBase58check } from '@scure/base';
import { sha256 } from '../wire/hash.js';
import { toHex } from '../wire/hex.js';
import type { Network } from '../wire/networks.js';

/** Address prefixes of a network: base58check version bytes and the bech32 human-readable part. */
export interface AddressParams {
  /** P2PKH version byte. */
  pubkeyHash: number;
  /** P2SH version byte. */
  scriptHash: number;
  /** Segwit human-readable part. */
  hrp: string;
}

const MAIN: AddressParams = { pubkeyHash: 0x00, scriptHash: 0x05, hrp: 'bc' };
const TEST: AddressParams = { pubkeyHash: 0x6f, scriptHash: 0xc4, hrp: 'tb' };
const PARAMS: Record<string, AddressParams> = {
  mainnet: MAIN,
  testnet3: TEST,
  testnet4: TEST,
  signet: TEST,
  regtest: { ...TEST, hrp: 'bcrt' },
};

/** A network's address prefixes (Bitcoin Core's chainparams). */
export function addressParams(network: Network): AddressParams {
  const p = PARAMS[network.name];
  if (!p) throw new RangeError(`no address prefixes for network ${network.name}`);
  return p;
}

const base58check = createBase58check(sha256);

/** An address that does not decode, or does not belong to the network. */
export class AddressError extends Error {
  static override readonly name = 'AddressError';
  /** @param message - what is wrong */
  constructor(message: string) {
    super(message);
    this.name = 'AddressError';
  }
}

/**
 * The output script an address pays: base58check P2PKH and P2SH, bech32
 * witness v0 (P2WPKH, P2WSH) and bech32m witness v1+ (P2TR), through
 * @scure/base's codecs (checksums, BIP350's bech32/bech32m split).
 * @param address - the address
 * @param network - the network it must belong to
 * @throws AddressError for a bad checksum, an unknown prefix or the wrong network
 * @example
 * ```ts
 * import { addressToScript, networks } from 'rxbtc';
 * addressToScript('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', networks.mainnet); // 0014751e76e8…
 * ```
 */
export function addressToScript(address: string, network: Network): Uint8Array {
  const p = addressParams(network);
  const lower = address.toLowerCase();
  // Anything shaped like bech32 (a prefix, a 1, then only bech32 letters) is read as such, so another
  // network's segwit address gets a clear "prefix bc, not bcrt" instead of a base58 error.
  if (/^[a-z]{1,83}1[02-9ac-hj-np-z]{6,}$/.test(lower)) return segwitScript(address, p.hrp);
  let payload: Uint8Array;
  try {
    payload = base58check.decode(address);
  } catch (e) {
    throw new AddressError(`${address} is not a ${network.name} address: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (payload.length !== 21) throw new AddressError(`${address}: base58check payload of ${payload.length} bytes`);
  const hash = payload.subarray(1);
  if (payload[0] === p.pubkeyHash) return Uint8Array.from([0x76, 0xa9, 0x14, ...hash, 0x88, 0xac]);
  if (payload[0] === p.scriptHash) return Uint8Array.from([0xa9, 0x14, ...hash, 0x87]);
  throw new AddressError(`${address}: version byte 0x${payload[0]!.toString(16)} is not ${network.name}'s`);
}

function segwitScript(address: string, hrp: string): Uint8Array {
  let decoded: { prefix: string; words: number[] };
  let version: number;
  try {
    decoded = bech32.decode(address as `${string}1${string}`);
    version = decoded.words[0]!;
    if (version !== 0) throw new AddressError('witness v1+ must use bech32m');
  } catch (e) {
    try {
      decoded = bech32m.decode(address as `${string}1${string}`);
    } catch {
      throw new AddressError(`${address}: ${e instanceof Error ? e.message : String(e)}`);
    }
    version = decoded.words[0]!;
    if (version === 0) throw new AddressError(`${address}: witness v0 must use bech32, not bech32m`);
  }
  if (decoded.prefix !== hrp) throw new AddressError(`${address}: prefix ${decoded.prefix}, not ${hrp}`);
  if (version > 16) throw new AddressError(`${address}: witness version ${version}`);
  const program = (version === 0 ? bech32 : bech32m).fromWords(decoded.words.slice(1));
  if (program.length < 2 || program.length > 40 || (version === 0 && program.length !== 20 && program.length !== 32)) {
    throw new AddressError(`${address}: witness program of ${program.length} bytes`);
  }
  return Uint8Array.from([version === 0 ? 0 : 0x50 + version, program.length, ...program]);
}

/** The address an output script pays, when it is one of the standard forms (else undefined). */
export function scriptToAddress(script: Uint8Array, network: Network): string | undefined {
  const p = addressParams(network);
  const s = script;
  if (s.length === 25 && s[0] === 0x76 && s[1] === 0xa9 && s[2] === 0x14 && s[23] === 0x88 && s[24] === 0xac) {
    return base58check.encode(Uint8Array.from([p.pubkeyHash, ...s.subarray(3, 23)]));
  }
  if (s.length === 23 && s[0] === 0xa9 && s[1] === 0x14 && s[22] === 0x87)
    return base58check.encode(Uint8Array.from([p.scriptHash, ...s.subarray(2, 22)]));
  const version = s[0] === 0 ? 0 : s[0]! >= 0x51 && s[0]! <= 0x60 ? s[0]! - 0x50 : -1;
  if (version >= 0 && s.length >= 4 && s[1] === s.length - 2) {
    const coder = version === 0 ? bech32 : bech32m;
    return coder.encode(p.hrp, [version, ...coder.toWords(s.subarray(2))]);
  }
  return undefined;
}

/** A short printable form of a script: its address, else its hex. */
export function describeScript(script: Uint8Array, network: Network): string {
  return scriptToAddress(script, network) ?? toHex(script);
}
