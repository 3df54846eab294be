import { DescriptorError, DescriptorErrorCode } from './descriptor-error.js';

/** Characters a descriptor may hold, in the order BIP380's checksum numbers them. */
const INPUT_CHARSET = '0123456789()[],\'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#"\\ ';
/** The checksum's alphabet (bech32's). */
const CHECKSUM_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
/** Characters in a checksum. */
export const DESCRIPTOR_CHECKSUM_LENGTH = 8;
/** BIP380's generator, each 40-bit value split into its top 8 and low 32 bits (plain numbers are faster than bigints). */
const GEN_HI = [0xf5, 0xa9, 0x1b, 0x37, 0x64] as const;
const GEN_LO = [0xdee51989, 0xfdca3312, 0xab10e32d, 0x06b1677a, 0x4d626ffd] as const;
/** Payloads longer than this are not searched for a typo (the search is quadratic). */
const TYPO_SEARCH_MAX = 1000;

/** BIP380's polymod; returns the 40-bit result as [top 8 bits, low 32 bits]. */
function polymod(symbols: readonly number[]): [number, number] {
  let hi = 0;
  let lo = 1;
  for (const value of symbols) {
    const top = hi >>> 3;
    hi = ((hi & 7) << 5) | (lo >>> 27);
    lo = ((lo << 5) ^ value) >>> 0;
    for (let i = 0; i < 5; i++) {
      if ((top >>> i) & 1) {
        hi ^= GEN_HI[i]!;
        lo = (lo ^ GEN_LO[i]!) >>> 0;
      }
    }
  }
  return [hi, lo];
}

/** BIP380's expansion of the text into 5-bit symbols, or the index of the first character outside its charset. */
function expand(text: string): number[] | { bad: number } {
  const symbols: number[] = [];
  const groups: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const v = INPUT_CHARSET.indexOf(text[i]!);
    if (v < 0) return { bad: i };
    symbols.push(v & 31);
    groups.push(v >> 5);
    if (groups.length === 3) {
      symbols.push(groups[0]! * 9 + groups[1]! * 3 + groups[2]!);
      groups.length = 0;
    }
  }
  if (groups.length === 1) symbols.push(groups[0]!);
  else if (groups.length === 2) symbols.push(groups[0]! * 3 + groups[1]!);
  return symbols;
}

/**
 * The BIP380 checksum of a descriptor's text (without `#`).
 * @throws DescriptorError `syntax` for a character outside the descriptor charset
 */
export function descriptorChecksum(payload: string): string {
  const symbols = expand(payload);
  if (!Array.isArray(symbols)) throw badCharacter(payload, symbols.bad);
  const [hi, lo] = polymod([...symbols, 0, 0, 0, 0, 0, 0, 0, 0]);
  const c = hi * 2 ** 32 + ((lo ^ 1) >>> 0);
  let out = '';
  for (let i = 0; i < DESCRIPTOR_CHECKSUM_LENGTH; i++) out += CHECKSUM_CHARSET.charAt(Math.floor(c / 2 ** (5 * (7 - i))) & 31);
  return out;
}

function badCharacter(text: string, at: number): DescriptorError {
  return new DescriptorError(DescriptorErrorCode.Syntax, at, `character ${JSON.stringify(text[at])} is not allowed in a descriptor`);
}

/**
 * Split a descriptor into its payload and check its `#checksum` when it has
 * one. A wrong checksum is reported at the character that, changed, would
 * make it right, when exactly one such position exists (a typo), else at the
 * checksum itself.
 * @returns the payload (the text before `#`)
 * @throws DescriptorError `checksum` or `syntax`
 */
export function checkDescriptorChecksum(text: string): string {
  const hash = text.indexOf('#');
  const payload = hash < 0 ? text : text.slice(0, hash);
  const symbols = expand(payload);
  if (!Array.isArray(symbols)) throw badCharacter(payload, symbols.bad);
  if (hash < 0) return payload;
  const given = text.slice(hash + 1);
  if (given.length !== DESCRIPTOR_CHECKSUM_LENGTH) {
    throw new DescriptorError(
      DescriptorErrorCode.Checksum,
      hash + 1,
      `a checksum has ${DESCRIPTOR_CHECKSUM_LENGTH} characters, not ${given.length}`,
    );
  }
  const bad = Array.from(given, (c) => CHECKSUM_CHARSET.includes(c)).indexOf(false);
  if (bad >= 0) {
    throw new DescriptorError(DescriptorErrorCode.Checksum, hash + 1 + bad, `${JSON.stringify(given[bad])} is not a checksum character`);
  }
  const expected = descriptorChecksum(payload);
  if (expected === given) return payload;
  throw new DescriptorError(
    DescriptorErrorCode.Checksum,
    locateTypo(payload, given) ?? hash + 1,
    `checksum ${given} does not match the descriptor (its checksum is ${expected})`,
  );
}

/** The one position in `payload` where another character makes `checksum` right, if there is exactly one. */
function locateTypo(payload: string, checksum: string): number | undefined {
  if (payload.length > TYPO_SEARCH_MAX) return undefined;
  let found: number | undefined;
  for (let i = 0; i < payload.length; i++) {
    for (const c of INPUT_CHARSET) {
      if (c === payload[i] || c === '#') continue;
      if (descriptorChecksum(payload.slice(0, i) + c + payload.slice(i + 1)) !== checksum) continue;
      if (found !== undefined) return undefined;
      found = i;
      break;
    }
  }
  return found;
}
