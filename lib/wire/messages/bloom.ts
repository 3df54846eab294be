import { ProtocolErrorCode } from '../errors.js';
import type { ByteReader } from '../reader.js';
import { checkLimit, type ByteWriter } from '../writer.js';

/** Largest bloom filter (BIP37 MAX_BLOOM_FILTER_SIZE). */
export const MAX_BLOOM_FILTER_SIZE = 36_000;
/** Most hash functions in a filter (BIP37 MAX_HASH_FUNCS). */
export const MAX_BLOOM_HASH_FUNCS = 50;
/** Largest `filteradd` element (MAX_SCRIPT_ELEMENT_SIZE). */
export const MAX_FILTERADD_DATA_SIZE = 520;

/** BIP37 nFlags: how matched outputs update the filter. */
export const BloomFlag = {
  /** Never update. */
  None: 0,
  /** Add every matched outpoint. */
  All: 1,
  /** Add outpoints of matched pay-to-pubkey and multisig outputs only. */
  P2PubkeyOnly: 2,
} as const;

/** `filterload` (BIP37): install a bloom filter. */
export interface FilterLoadMessage {
  /** Command name. */
  command: 'filterload';
  /** Filter bits, at most {@link MAX_BLOOM_FILTER_SIZE} bytes. */
  filter: Uint8Array;
  /** Number of hash functions, at most {@link MAX_BLOOM_HASH_FUNCS}. */
  hashFuncs: number;
  /** Random tweak added to the hash seeds. */
  tweak: number;
  /** A {@link BloomFlag}. */
  flags: number;
}

/** `filteradd` (BIP37): add one element to the loaded filter. */
export interface FilterAddMessage {
  /** Command name. */
  command: 'filteradd';
  /** Element, at most {@link MAX_FILTERADD_DATA_SIZE} bytes. */
  data: Uint8Array;
}

/** A decoded `filterload`; built by a constructor, not a literal (see `transaction.ts` on V8's pretenuring). */
class FilterLoad implements FilterLoadMessage {
  readonly command = 'filterload';
  filter: Uint8Array;
  hashFuncs: number;
  tweak: number;
  flags: number;
  constructor(filter: Uint8Array, hashFuncs: number, tweak: number, flags: number) {
    this.filter = filter;
    this.hashFuncs = hashFuncs;
    this.tweak = tweak;
    this.flags = flags;
  }
}

/** A decoded `filteradd` (see {@link FilterLoad}). */
class FilterAdd implements FilterAddMessage {
  readonly command = 'filteradd';
  data: Uint8Array;
  constructor(data: Uint8Array) {
    this.data = data;
  }
}

/** Decode a `filterload` payload. */
export function decodeFilterLoad(r: ByteReader): FilterLoadMessage {
  const filter = r.varBytes(MAX_BLOOM_FILTER_SIZE, 'filter');
  const hashFuncs = r.u32le();
  if (hashFuncs > MAX_BLOOM_HASH_FUNCS)
    r.fail(`${hashFuncs} hash functions exceed ${MAX_BLOOM_HASH_FUNCS}`, ProtocolErrorCode.LimitExceeded);
  const tweak = r.u32le();
  return new FilterLoad(filter, hashFuncs, tweak, r.u8());
}

/** Encode a `filterload` payload. */
export function encodeFilterLoad(w: ByteWriter, m: FilterLoadMessage): void {
  checkLimit(m.filter.length, MAX_BLOOM_FILTER_SIZE, 'filterload filter');
  checkLimit(m.hashFuncs, MAX_BLOOM_HASH_FUNCS, 'filterload hash functions');
  w.varBytes(m.filter).u32le(m.hashFuncs).u32le(m.tweak).u8(m.flags);
}

/** Decode a `filteradd` payload. */
export function decodeFilterAdd(r: ByteReader): FilterAddMessage {
  return new FilterAdd(r.varBytes(MAX_FILTERADD_DATA_SIZE, 'element'));
}

/** Encode a `filteradd` payload. */
export function encodeFilterAdd(w: ByteWriter, m: FilterAddMessage): void {
  checkLimit(m.data.length, MAX_FILTERADD_DATA_SIZE, 'filteradd data');
  w.varBytes(m.data);
}
