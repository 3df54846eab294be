import {
  GcsFilter,
  basicFilterItems,
  blockHash,
  bytesEqual,
  filterHash,
  filterHeaderFromHash,
  type FilterRecord,
  type FilterSource,
} from '../../lib/index.js';
import type { CachedChain } from './cached-chain.js';
import { CHAIN_LENGTH } from './chain-layout.js';
import { paidScripts } from './payments.js';
import { servedBlock } from './served-block.js';

/** Hashes and headers of the filters a source serves, by height. */
interface FilterView {
  filter(height: number): Uint8Array;
  filterHash(height: number): Uint8Array;
  filterHeader(height: number): Uint8Array;
}

function sourceOf(cached: CachedChain, view: FilterView): FilterSource {
  const { chain } = cached;
  return {
    record(heightOrHash) {
      const entry = chain.header(heightOrHash);
      if (!entry || entry.height > CHAIN_LENGTH || !chain.isBest(entry.hash)) return undefined;
      const h = entry.height;
      const record: FilterRecord = {
        height: h,
        blockHash: entry.hash,
        get filter() {
          return view.filter(h);
        },
        filterHash: view.filterHash(h),
        header: view.filterHeader(h),
      };
      return record;
    },
    block(hash) {
      const entry = chain.header(hash);
      return entry ? servedBlock(chain, entry.height) : undefined;
    },
  };
}

/** The honest source: the cached filters. */
export function honestSource(cached: CachedChain): FilterSource {
  return sourceOf(cached, cached);
}

/**
 * A lying source: at `height` it serves the block's filter without the
 * wallets' payments, and commits to it — its filter headers from there on
 * chain the lie, so only the block itself can prove it wrong (BIP157's
 * dispute rule).
 */
export function lyingSource(cached: CachedChain, height: number): FilterSource {
  const block = servedBlock(cached.chain, height);
  const paid = paidScripts().get(height) ?? [];
  const items = basicFilterItems(block, []).filter((s) => !paid.some((p) => bytesEqual(p, s)));
  const lie = GcsFilter.build(items, blockHash(block.header)).encoded;
  const headers: Uint8Array[] = [];
  let prev = cached.filterHeader(height - 1);
  for (let h = height; h <= CHAIN_LENGTH; h++) {
    prev = filterHeaderFromHash(h === height ? filterHash(lie) : cached.filterHash(h), prev);
    headers.push(prev);
  }
  return sourceOf(cached, {
    filter: (h) => (h === height ? lie : cached.filter(h)),
    filterHash: (h) => (h === height ? filterHash(lie) : cached.filterHash(h)),
    filterHeader: (h) => (h >= height ? headers[h - height]! : cached.filterHeader(h)),
  });
}
