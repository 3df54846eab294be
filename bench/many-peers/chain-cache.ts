import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  basicFilter,
  chainParams,
  encodeBlockHeader,
  filterHash,
  filterHeaderFromHash,
  genesisBlock,
  hashFromHex,
  merkleRoot,
  networks,
  sha256dKey,
  txid,
  type BlockHeader,
  type Transaction,
} from '../../lib/index.js';
import { blockTransactions } from './block-transactions.js';
import { CHAIN_LENGTH, HEAVY_OUTPUTS, SEED } from './chain-layout.js';
import { paidScripts } from './payments.js';

/** Bytes per height in the chain file: header, filter hash, filter header, the filter's offset and length in the filter file. */
export const RECORD = 80 + 32 + 32 + 4 + 4;
/** The generator's version: bump it when blocks change, so an old cache is not served. */
const VERSION = 1;

/** The two files of a cached chain. */
export interface ChainCache {
  /** {@link RECORD} bytes per height, 0 to CHAIN_LENGTH. */
  chain: string;
  /** Every filter's bytes, one after the other. */
  filters: string;
}

/** What {@link ensureChainCache} did. */
export interface CacheReport {
  /** Whether it had to build the files (false: they were there). */
  built: boolean;
  /** Time it took, ms. */
  ms: number;
  /** Size of both files, bytes. */
  bytes: number;
}

/** The cache files under `dir`, named for everything they depend on. */
export function chainCache(dir: string): ChainCache {
  const name = `many-peers-v${VERSION}-seed${SEED}-${CHAIN_LENGTH}-${HEAVY_OUTPUTS.min}-${HEAVY_OUTPUTS.max}`;
  return { chain: join(dir, `${name}.chain`), filters: join(dir, `${name}.filters`) };
}

/** Whether both files are complete: the chain file has every record and the filter file ends where its last one says. */
function complete(cache: ChainCache): boolean {
  if (!existsSync(cache.chain) || !existsSync(cache.filters) || statSync(cache.chain).size !== (CHAIN_LENGTH + 1) * RECORD) return false;
  const fd = openSync(cache.chain, 'r');
  const last = Buffer.alloc(8);
  readSync(fd, last, 0, 8, (CHAIN_LENGTH + 1) * RECORD - 8);
  closeSync(fd);
  return statSync(cache.filters).size === last.readUInt32LE(0) + last.readUInt32LE(4);
}

/**
 * Build the cache unless it is complete: every block generated once (heavy
 * ones in full), its header mined on the real merkle root, its basic filter
 * built by rxbtc and chained into filter headers. Written to temporary
 * names and renamed, so a cut-short build leaves nothing that looks done.
 * @param onProgress - told the height every 10,000 blocks
 */
export function ensureChainCache(cache: ChainCache, onProgress?: (height: number) => void): CacheReport {
  const t = performance.now();
  const built = !complete(cache);
  if (built) build(cache, onProgress);
  return { built, ms: performance.now() - t, bytes: statSync(cache.chain).size + statSync(cache.filters).size };
}

/** Appends to a file through a 1 MiB buffer. */
class Appender {
  private readonly buffer = Buffer.alloc(1 << 20);
  private filled = 0;
  /** Bytes appended so far. */
  written = 0;
  private readonly fd: number;
  constructor(fd: number) {
    this.fd = fd;
  }
  add(bytes: Uint8Array): void {
    if (this.filled + bytes.length > this.buffer.length) this.flush();
    if (bytes.length > this.buffer.length) writeSync(this.fd, bytes);
    else {
      this.buffer.set(bytes, this.filled);
      this.filled += bytes.length;
    }
    this.written += bytes.length;
  }
  flush(): void {
    if (this.filled > 0) writeSync(this.fd, this.buffer, 0, this.filled);
    this.filled = 0;
  }
}

/** Mine a regtest header over `txs` on `prev` at `height` (regtest's target takes about one hash in two). */
export function mineHeader(height: number, prev: Uint8Array, txs: readonly Transaction[]): BlockHeader {
  const raw = new Uint8Array(80);
  const view = new DataView(raw.buffer);
  const header: BlockHeader = {
    version: 0x20000000,
    prevBlock: prev,
    merkleRoot: merkleRoot(txs.map(txid)),
    timestamp: 1_296_688_602 + height * 60,
    bits: 0x207fffff,
    nonce: 0,
  };
  raw.set(encodeBlockHeader(header));
  for (let nonce = 0; ; nonce++) {
    view.setUint32(76, nonce, true);
    if (sha256dKey(raw).charCodeAt(31) < 0x7f) return { ...header, nonce };
  }
}

function build(cache: ChainCache, onProgress?: (height: number) => void): void {
  mkdirSync(join(cache.chain, '..'), { recursive: true });
  const chainFd = openSync(`${cache.chain}.tmp`, 'w');
  const filterFd = openSync(`${cache.filters}.tmp`, 'w');
  const records = new Appender(chainFd);
  const filters = new Appender(filterFd);
  const paid = paidScripts();
  const record = new Uint8Array(RECORD);
  const view = new DataView(record.buffer);
  let prevFilterHeader: Uint8Array = new Uint8Array(32);
  const put = (header: BlockHeader, txs: readonly Transaction[]): Uint8Array => {
    const filter = basicFilter({ header, transactions: [...txs] }, []).encoded;
    const hash = filterHash(filter);
    prevFilterHeader = filterHeaderFromHash(hash, prevFilterHeader);
    const encoded = encodeBlockHeader(header);
    record.set(encoded);
    record.set(hash, 80);
    record.set(prevFilterHeader, 112);
    view.setUint32(144, filters.written, true);
    view.setUint32(148, filter.length, true);
    if (filters.written + filter.length >= 2 ** 32) throw new RangeError('the filter file outgrew 32-bit offsets');
    records.add(record);
    filters.add(filter);
    return encoded;
  };
  const genesis = genesisBlock(chainParams(networks.regtest));
  put(genesis.header, genesis.transactions);
  let prev: Uint8Array = hashFromHex(networks.regtest.genesisHash);
  for (let h = 1; h <= CHAIN_LENGTH; h++) {
    const txs = blockTransactions(h, paid.get(h));
    const header = mineHeader(h, prev, txs);
    prev = Uint8Array.from(sha256dKey(put(header, txs)), (c) => c.charCodeAt(0));
    if (h % 10_000 === 0) onProgress?.(h);
  }
  records.flush();
  filters.flush();
  const size = fstatSync(filterFd).size;
  closeSync(chainFd);
  closeSync(filterFd);
  if (size !== filters.written) throw new Error(`the filter file holds ${size} bytes, not ${filters.written}`);
  renameSync(`${cache.filters}.tmp`, cache.filters);
  renameSync(`${cache.chain}.tmp`, cache.chain);
}
