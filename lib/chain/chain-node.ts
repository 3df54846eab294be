import { readBlockHeader, type BlockHeader } from '../wire/block-header.js';
import { ByteReader } from '../wire/reader.js';
import type { ChainEntry } from './chain-entry.js';
import { keyToHash, keyToHex } from './hash-key.js';

/**
 * A header a chain holds in memory (the recent part of the best chain and
 * every side branch): the fields validation reads, its raw bytes, the exact
 * work of the chain up to it, and a link to its parent while that is in
 * memory too. The hash is kept as a latin1 key (see `sha256dKey`); the
 * byte and object forms are made only when asked for.
 */
export class ChainNode implements ChainEntry {
  readonly key: string;
  readonly height: number;
  readonly raw: Uint8Array;
  readonly version: number;
  readonly time: number;
  readonly bits: number;
  readonly chainWork: bigint;
  /** The parent, or undefined when it is only in the store (it is then found by hash). */
  prev: ChainNode | undefined;
  /** Memo of testnet's walk back to the last block not mined at the limit (see `requiredBits`); -1 until known. */
  normalBits = -1;

  constructor(key: string, height: number, raw: Uint8Array, chainWork: bigint, prev: ChainNode | undefined) {
    this.key = key;
    this.height = height;
    this.raw = raw;
    this.version = raw[0]! | (raw[1]! << 8) | (raw[2]! << 16) | (raw[3]! << 24);
    this.time = (raw[68]! | (raw[69]! << 8) | (raw[70]! << 16) | (raw[71]! << 24)) >>> 0;
    this.bits = (raw[72]! | (raw[73]! << 8) | (raw[74]! << 16) | (raw[75]! << 24)) >>> 0;
    this.chainWork = chainWork;
    this.prev = prev;
  }

  get hash(): Uint8Array {
    return keyToHash(this.key);
  }

  get hashHex(): string {
    return keyToHex(this.key);
  }

  get header(): BlockHeader {
    return readBlockHeader(new ByteReader(this.raw, 'headers'));
  }

  /** A plain snapshot for callers (no parent links, no lazy fields). */
  entry(): ChainEntry {
    return { height: this.height, hash: this.hash, hashHex: this.hashHex, header: this.header, raw: this.raw, chainWork: this.chainWork };
  }
}
