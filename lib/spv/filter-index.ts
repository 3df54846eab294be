import { blockHash } from '../wire/block-header.js';
import { bytesEqual, hashToHex } from '../wire/hex.js';
import type { Block } from '../wire/messages/block.js';
import { txid } from '../wire/transaction.js';
import { basicFilter, filterHash, filterHeaderFromHash } from './basic-filter.js';

/** One block's BIP158 basic filter and where it sits in the filter-header chain. */
export interface FilterRecord {
  /** Block height. */
  height: number;
  /** Block hash, wire order. */
  blockHash: Uint8Array;
  /** The serialized filter. */
  filter: Uint8Array;
  /** hash256 of the filter. */
  filterHash: Uint8Array;
  /** The filter header (commits to every filter up to this one). */
  header: Uint8Array;
}

/**
 * What `serveCompactFilters` serves from: filter records by height or block
 * hash, and the blocks themselves. {@link FilterIndex} is one; a server
 * holding its chain elsewhere (a database, flat files) can be another.
 */
export interface FilterSource {
  /** The record at a height or of a block hash (wire order) on the best chain. */
  record(heightOrHash: number | Uint8Array): FilterRecord | undefined;
  /** A block, by hash (wire order). */
  block(hash: Uint8Array): Block | undefined;
}

/**
 * Basic filters for a chain of full blocks you hold, from genesis on, so
 * rxbtc can serve BIP157 to itself (no BIP157 server runs on this machine).
 * It tracks the unspent outputs itself to know each input's previous
 * script; blocks must come in order. It keeps the blocks, for `getdata`.
 */
export class FilterIndex implements FilterSource {
  private readonly records: FilterRecord[] = [];
  private readonly byHash = new Map<string, FilterRecord>();
  private readonly blocks = new Map<string, Block>();
  private readonly utxos = new Map<string, Uint8Array>();

  /** Height of the last block added (-1 when empty). */
  get height(): number {
    return this.records.length - 1;
  }

  /**
   * Add the next block: its filter, filter hash and header are computed
   * from the outputs its inputs spend.
   * @throws RangeError when it does not extend the last block or spends an unknown output
   */
  add(block: Block): FilterRecord {
    const hash = blockHash(block.header);
    const last = this.records[this.records.length - 1];
    if (last ? !bytesEqual(block.header.prevBlock, last.blockHash) : block.header.prevBlock.some((b) => b !== 0)) {
      throw new RangeError(`block ${hashToHex(hash)} does not extend the index`);
    }
    const spent: Uint8Array[] = [];
    block.transactions.forEach((tx, i) => {
      if (i > 0) {
        for (const input of tx.inputs) {
          const key = `${hashToHex(input.txid)}:${input.vout}`;
          const script = this.utxos.get(key);
          if (!script) throw new RangeError(`block ${hashToHex(hash)} spends unknown output ${key}`);
          this.utxos.delete(key);
          spent.push(script);
        }
      }
      const id = hashToHex(txid(tx));
      tx.outputs.forEach((o, vout) => this.utxos.set(`${id}:${vout}`, o.script));
    });
    const filter = basicFilter(block, spent).encoded;
    const fh = filterHash(filter);
    const record: FilterRecord = {
      height: this.records.length,
      blockHash: hash,
      filter,
      filterHash: fh,
      header: filterHeaderFromHash(fh, last?.header ?? new Uint8Array(32)),
    };
    this.records.push(record);
    this.byHash.set(hashToHex(hash), record);
    this.blocks.set(hashToHex(hash), block);
    return record;
  }

  /** The record at a height or of a block hash (wire order). */
  record(heightOrHash: number | Uint8Array): FilterRecord | undefined {
    return typeof heightOrHash === 'number' ? this.records[heightOrHash] : this.byHash.get(hashToHex(heightOrHash));
  }

  /** A block held, by hash (wire order). */
  block(hash: Uint8Array): Block | undefined {
    return this.blocks.get(hashToHex(hash));
  }

  /** Replace the filter served for a height, leaving its hash and header as they were. Only for testing lying servers. */
  tamper(height: number, filter: Uint8Array): void {
    const r = this.records[height];
    if (!r) throw new RangeError(`no filter at ${height}`);
    const updated = { ...r, filter };
    this.records[height] = updated;
    this.byHash.set(hashToHex(r.blockHash), updated);
  }

  /** Recompute every filter hash and header from the (possibly tampered) filters, as a consistent liar would. */
  rechain(): void {
    let prev: Uint8Array = new Uint8Array(32);
    for (let i = 0; i < this.records.length; i++) {
      const r = this.records[i]!;
      const fh = filterHash(r.filter);
      const updated = { ...r, filterHash: fh, header: filterHeaderFromHash(fh, prev) };
      this.records[i] = updated;
      this.byHash.set(hashToHex(r.blockHash), updated);
      prev = updated.header;
    }
  }
}
