import { MAX_BLOCK_SERIALIZED_SIZE } from '../transaction.js';
import type { ByteReader } from '../reader.js';
import { checkLimit, type ByteWriter } from '../writer.js';

/** Most filter hashes in one `cfheaders` (BIP157). */
export const MAX_CFHEADERS_PER_MESSAGE = 2000;
/** Most checkpoints in one `cfcheckpt` (one per 1000 blocks; room for 2 million blocks, as btcd allows). */
export const MAX_CFCHECKPT_HEADERS = 2000;
/** Largest filter accepted in `cfilter`. */
export const MAX_CFILTER_SIZE = MAX_BLOCK_SERIALIZED_SIZE;

/** BIP158 filter types. */
export const FilterType = {
  /** The basic filter: scriptPubKeys spent and created. */
  Basic: 0,
} as const;

/** `getcfilters` (BIP157): ask for filters of a range of blocks. */
export interface GetCFiltersMessage {
  /** Command name. */
  command: 'getcfilters';
  /** A {@link FilterType}. */
  filterType: number;
  /** Height of the first block. */
  startHeight: number;
  /** Hash of the last block, wire order. */
  stopHash: Uint8Array;
}

/** `cfilter` (BIP157): the filter of one block. */
export interface CFilterMessage {
  /** Command name. */
  command: 'cfilter';
  /** A {@link FilterType}. */
  filterType: number;
  /** Block hash, wire order. */
  blockHash: Uint8Array;
  /** The encoded filter (BIP158 Golomb-coded set). */
  filter: Uint8Array;
}

/** `getcfheaders` (BIP157): ask for filter hashes of a range of blocks. */
export interface GetCFHeadersMessage {
  /** Command name. */
  command: 'getcfheaders';
  /** A {@link FilterType}. */
  filterType: number;
  /** Height of the first block. */
  startHeight: number;
  /** Hash of the last block, wire order. */
  stopHash: Uint8Array;
}

/** `cfheaders` (BIP157): filter hashes, chained from a previous filter header. */
export interface CFHeadersMessage {
  /** Command name. */
  command: 'cfheaders';
  /** A {@link FilterType}. */
  filterType: number;
  /** Hash of the last block, wire order. */
  stopHash: Uint8Array;
  /** Filter header of the block before the range. */
  previousFilterHeader: Uint8Array;
  /** Filter hashes, one per block. */
  filterHashes: Uint8Array[];
}

/** `getcfcheckpt` (BIP157): ask for filter headers every 1000 blocks. */
export interface GetCFCheckptMessage {
  /** Command name. */
  command: 'getcfcheckpt';
  /** A {@link FilterType}. */
  filterType: number;
  /** Hash of the last block, wire order. */
  stopHash: Uint8Array;
}

/** `cfcheckpt` (BIP157): filter headers at every 1000th block. */
export interface CFCheckptMessage {
  /** Command name. */
  command: 'cfcheckpt';
  /** A {@link FilterType}. */
  filterType: number;
  /** Hash of the last block, wire order. */
  stopHash: Uint8Array;
  /** Filter headers. */
  filterHeaders: Uint8Array[];
}

function readHashes(r: ByteReader, max: number, what: string): Uint8Array[] {
  const n = r.count(max, 32, what);
  const out = new Array<Uint8Array>(n);
  for (let i = 0; i < n; i++) out[i] = r.hash();
  return out;
}

function writeHashes(w: ByteWriter, hashes: Uint8Array[], max: number, what: string): void {
  checkLimit(hashes.length, max, what);
  w.varint(hashes.length);
  for (const h of hashes) w.hash(h);
}

/** A decoded `getcfilters` or `getcfheaders`; built by a constructor, not a literal (see transaction.ts). */
class RangeRequest<C extends 'getcfilters' | 'getcfheaders'> {
  command: C;
  filterType: number;
  startHeight: number;
  stopHash: Uint8Array;
  constructor(command: C, filterType: number, startHeight: number, stopHash: Uint8Array) {
    this.command = command;
    this.filterType = filterType;
    this.startHeight = startHeight;
    this.stopHash = stopHash;
  }
}

/** Decode `getcfilters` or `getcfheaders` (same layout). */
export function rangeRequestDecoder<C extends 'getcfilters' | 'getcfheaders'>(
  command: C,
): (r: ByteReader) => {
  /** `getcfilters` or `getcfheaders`. */
  command: C;
  /** Filter type (0: basic). */
  filterType: number;
  /** First block height. */
  startHeight: number;
  /** Hash of the last block. */
  stopHash: Uint8Array;
} {
  return (r) => {
    const filterType = r.u8();
    const startHeight = r.u32le();
    return new RangeRequest(command, filterType, startHeight, r.hash());
  };
}

/** Encode `getcfilters` or `getcfheaders`. */
export function encodeRangeRequest(w: ByteWriter, m: GetCFiltersMessage | GetCFHeadersMessage): void {
  w.u8(m.filterType).u32le(m.startHeight).hash(m.stopHash);
}

/** Built by a constructor, not a literal: V8 pretenures literal allocation sites once an app keeps decoded messages (see transaction.ts). */
class CFilter implements CFilterMessage {
  readonly command = 'cfilter';
  filterType: number;
  blockHash: Uint8Array;
  filter: Uint8Array;
  constructor(filterType: number, blockHash: Uint8Array, filter: Uint8Array) {
    this.filterType = filterType;
    this.blockHash = blockHash;
    this.filter = filter;
  }
}

/** Decode a `cfilter` payload. */
export function decodeCFilter(r: ByteReader): CFilterMessage {
  const filterType = r.u8();
  const blockHash = r.hash();
  return new CFilter(filterType, blockHash, r.varBytes(MAX_CFILTER_SIZE, 'filter'));
}

/** Encode a `cfilter` payload. */
export function encodeCFilter(w: ByteWriter, m: CFilterMessage): void {
  w.u8(m.filterType).hash(m.blockHash).varBytes(m.filter);
}

/** Built by a constructor, not a literal: V8 pretenures literal allocation sites once an app keeps decoded messages (see transaction.ts). */
class CFHeaders implements CFHeadersMessage {
  readonly command = 'cfheaders';
  filterType: number;
  stopHash: Uint8Array;
  previousFilterHeader: Uint8Array;
  filterHashes: Uint8Array[];
  constructor(filterType: number, stopHash: Uint8Array, previousFilterHeader: Uint8Array, filterHashes: Uint8Array[]) {
    this.filterType = filterType;
    this.stopHash = stopHash;
    this.previousFilterHeader = previousFilterHeader;
    this.filterHashes = filterHashes;
  }
}

/** Decode a `cfheaders` payload. */
export function decodeCFHeaders(r: ByteReader): CFHeadersMessage {
  const filterType = r.u8();
  const stopHash = r.hash();
  const previousFilterHeader = r.hash();
  const filterHashes = readHashes(r, MAX_CFHEADERS_PER_MESSAGE, 'filter hash');
  return new CFHeaders(filterType, stopHash, previousFilterHeader, filterHashes);
}

/** Encode a `cfheaders` payload. */
export function encodeCFHeaders(w: ByteWriter, m: CFHeadersMessage): void {
  w.u8(m.filterType).hash(m.stopHash).hash(m.previousFilterHeader);
  writeHashes(w, m.filterHashes, MAX_CFHEADERS_PER_MESSAGE, 'cfheaders');
}

/** Built by a constructor, not a literal (see {@link CFilter}). */
class GetCFCheckpt implements GetCFCheckptMessage {
  readonly command = 'getcfcheckpt';
  filterType: number;
  stopHash: Uint8Array;
  constructor(filterType: number, stopHash: Uint8Array) {
    this.filterType = filterType;
    this.stopHash = stopHash;
  }
}

/** Built by a constructor, not a literal (see {@link CFilter}). */
class CFCheckpt implements CFCheckptMessage {
  readonly command = 'cfcheckpt';
  filterType: number;
  stopHash: Uint8Array;
  filterHeaders: Uint8Array[];
  constructor(filterType: number, stopHash: Uint8Array, filterHeaders: Uint8Array[]) {
    this.filterType = filterType;
    this.stopHash = stopHash;
    this.filterHeaders = filterHeaders;
  }
}

/** Decode a `getcfcheckpt` payload. */
export function decodeGetCFCheckpt(r: ByteReader): GetCFCheckptMessage {
  const filterType = r.u8();
  return new GetCFCheckpt(filterType, r.hash());
}

/** Encode a `getcfcheckpt` payload. */
export function encodeGetCFCheckpt(w: ByteWriter, m: GetCFCheckptMessage): void {
  w.u8(m.filterType).hash(m.stopHash);
}

/** Decode a `cfcheckpt` payload. */
export function decodeCFCheckpt(r: ByteReader): CFCheckptMessage {
  const filterType = r.u8();
  const stopHash = r.hash();
  return new CFCheckpt(filterType, stopHash, readHashes(r, MAX_CFCHECKPT_HEADERS, 'filter header'));
}

/** Encode a `cfcheckpt` payload. */
export function encodeCFCheckpt(w: ByteWriter, m: CFCheckptMessage): void {
  w.u8(m.filterType).hash(m.stopHash);
  writeHashes(w, m.filterHeaders, MAX_CFCHECKPT_HEADERS, 'cfcheckpt');
}
