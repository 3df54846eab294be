import {
  basicFilter,
  blockHash,
  encodeBlockHeader,
  filterHash,
  filterHeaderFromHash,
  type Block,
  type ChainEntry,
  type FilterRecord,
  type FilterSource,
  type HeaderChain,
  type Transaction,
} from '../../lib/index.js';
import { coinbase } from './block-transactions.js';
import type { CachedChain } from './cached-chain.js';
import { mineHeader } from './chain-cache.js';
import { CHAIN_LENGTH } from './chain-layout.js';
import { honestSource } from './filter-sources.js';

/** A block mined while the soak runs, with its filter. */
export interface LiveBlock {
  height: number;
  block: Block;
  filter: Uint8Array;
  filterHash: Uint8Array;
  /** Its filter header, chained on its parent's (on its own branch). */
  filterHeader: Uint8Array;
}

const OP_TRUE = Uint8Array.of(0x51);
const hexOf = (hash: Uint8Array): string => Buffer.from(hash).reverse().toString('hex');

/**
 * The cached chain growing live: blocks mined on its tip, and reorganisations
 * that replace the last few blocks by a longer branch carrying their
 * transactions. Serves BIP157 over both (the cache below, the new blocks
 * from memory).
 */
export class LiveChain {
  private readonly live = new Map<string, LiveBlock>();
  private readonly cached: CachedChain;
  private tag = 0;

  constructor(cached: CachedChain) {
    this.cached = cached;
  }

  /** The header chain (its tip$ tells serveHeaders to announce). */
  get chain(): HeaderChain {
    return this.cached.chain;
  }

  /** A block mined after the cache, by hash (display hex). */
  block(hashHex: string): LiveBlock | undefined {
    return this.live.get(hashHex);
  }

  /** Mine a block on `parent` (default the tip) holding `txs`; a reorganisation's branch gets its own coinbase tag. */
  async mine(txs: readonly Transaction[], parent: ChainEntry = this.chain.tip, tag = 0): Promise<LiveBlock> {
    const height = parent.height + 1;
    const transactions = [coinbase(height, [{ value: 312_500_000n, script: OP_TRUE }], tag), ...txs];
    const header = mineHeader(height, parent.hash, transactions);
    const block: Block = { header, transactions };
    const filter = basicFilter(block, []).encoded;
    const hash = filterHash(filter);
    const live: LiveBlock = {
      height,
      block,
      filter,
      filterHash: hash,
      filterHeader: filterHeaderFromHash(hash, this.filterHeaderOf(parent)),
    };
    this.live.set(hexOf(blockHash(header)), live);
    await this.chain.add([encodeBlockHeader(header)]);
    return live;
  }

  /**
   * Replace the last `depth` blocks by `depth + 1` new ones (more work, so the chain reorganises) carrying their
   * transactions (in the first new block) and `extra`.
   */
  async reorg(depth: number, extra: readonly Transaction[] = []): Promise<void> {
    const tip = this.chain.tip.height;
    const fork = this.chain.header(tip - depth)!;
    const carried: Transaction[] = [];
    for (let h = tip - depth + 1; h <= tip; h++) carried.push(...this.live.get(this.chain.header(h)!.hashHex)!.block.transactions.slice(1));
    const tag = ++this.tag;
    let parent: ChainEntry = fork;
    for (let k = 0; k <= depth; k++) {
      const block = await this.mineOff(parent, k === 0 ? [...carried, ...extra] : [], tag);
      parent = block;
    }
  }

  /** BIP157 over the cache and the live blocks; `lie` may replace a live block's filter bytes (its hash and header stay). */
  source(lie?: (b: LiveBlock) => Uint8Array | undefined): FilterSource {
    const below = honestSource(this.cached);
    return {
      record: (heightOrHash) => {
        const entry = this.chain.header(heightOrHash);
        if (!entry || !this.chain.isBest(entry.hash)) return undefined;
        if (entry.height <= CHAIN_LENGTH) return below.record(entry.height);
        const b = this.live.get(entry.hashHex)!;
        const record: FilterRecord = {
          height: b.height,
          blockHash: entry.hash,
          filter: lie?.(b) ?? b.filter,
          filterHash: b.filterHash,
          header: b.filterHeader,
        };
        return record;
      },
      block: (hash) => this.live.get(hexOf(hash))?.block ?? below.block(hash),
    };
  }

  /** Mine on a parent off the tip: added only once the branch is the heavier (the chain keeps side branches). */
  private async mineOff(parent: ChainEntry, txs: readonly Transaction[], tag: number): Promise<ChainEntry> {
    const b = await this.mine(txs, parent, tag);
    return this.chain.header(blockHash(b.block.header))!;
  }

  private filterHeaderOf(entry: ChainEntry): Uint8Array {
    return entry.height <= CHAIN_LENGTH ? this.cached.filterHeader(entry.height) : this.live.get(entry.hashHex)!.filterHeader;
  }
}
