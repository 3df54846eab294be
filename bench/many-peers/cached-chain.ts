import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { createHeaderChain, networks, type HeaderChain } from '../../lib/index.js';
import { RECORD, type ChainCache } from './chain-cache.js';
import { CHAIN_LENGTH } from './chain-layout.js';

/** A cached chain opened for serving: the header chain in memory, filters read from disk when asked. */
export interface CachedChain {
  /** The verified header chain, genesis to the tip. */
  chain: HeaderChain;
  /** The filter hash at a height. */
  filterHash(height: number): Uint8Array;
  /** The filter header at a height. */
  filterHeader(height: number): Uint8Array;
  /** The filter's bytes at a height (read from the filter file). */
  filter(height: number): Uint8Array;
  /** Close the filter file. */
  close(): void;
}

/** Open a complete cache (see `ensureChainCache`): 18 MB of records in memory, the filters left on disk. */
export async function openCachedChain(cache: ChainCache): Promise<CachedChain> {
  const records = readFileSync(cache.chain);
  const at = (h: number, from: number, n: number): Uint8Array => records.subarray(h * RECORD + from, h * RECORD + from + n);
  const chain = createHeaderChain({ network: networks.regtest });
  for (let h = 1; h <= CHAIN_LENGTH; h += 2000) {
    const batch: Uint8Array[] = [];
    for (let k = h; k < h + 2000 && k <= CHAIN_LENGTH; k++) batch.push(at(k, 0, 80));
    await chain.add(batch);
  }
  const fd = openSync(cache.filters, 'r');
  return {
    chain,
    filterHash: (h) => at(h, 80, 32),
    filterHeader: (h) => at(h, 112, 32),
    filter: (h) => {
      const offset = records.readUInt32LE(h * RECORD + 144);
      const bytes = new Uint8Array(records.readUInt32LE(h * RECORD + 148));
      readSync(fd, bytes, 0, bytes.length, offset);
      return bytes;
    },
    close: () => closeSync(fd),
  };
}
