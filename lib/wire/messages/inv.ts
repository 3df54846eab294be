import type { ByteReader } from '../reader.js';
import { checkLimit, type ByteWriter } from '../writer.js';

/** Most inventory vectors in one `inv`, `getdata` or `notfound`. */
export const MAX_INV_PER_MESSAGE = 50_000;

/** The BIP144 witness flag OR-ed into an inventory type. */
export const INV_WITNESS_FLAG = 0x4000_0000;

/** Inventory vector types. */
export const InvType = {
  /** Error / ignore. */
  Error: 0,
  /** Transaction by txid. */
  Tx: 1,
  /** Block. */
  Block: 2,
  /** Merkle block (BIP37). */
  FilteredBlock: 3,
  /** Compact block (BIP152). */
  CompactBlock: 4,
  /** Transaction by wtxid (BIP339). */
  WitnessTxId: 5,
  /** Transaction with witness (BIP144, getdata only). */
  WitnessTx: INV_WITNESS_FLAG | 1,
  /** Block with witness (BIP144, getdata only). */
  WitnessBlock: INV_WITNESS_FLAG | 2,
  /** Filtered block with witness. */
  WitnessFilteredBlock: INV_WITNESS_FLAG | 3,
} as const;

/** One inventory entry: a type and a hash in wire order. */
export interface InvVector {
  /** An {@link InvType} value (unknown values are kept). */
  type: number;
  /** Object hash, wire order. */
  hash: Uint8Array;
}

/** `inv`, `getdata` and `notfound` share one payload: a list of inventory vectors. */
export interface InventoryMessage<C extends 'inv' | 'getdata' | 'notfound'> {
  /** Command name. */
  command: C;
  /** At most {@link MAX_INV_PER_MESSAGE} items. */
  items: InvVector[];
}

/** `inv`: announces objects. */
export type InvMessage = InventoryMessage<'inv'>;
/** `getdata`: requests objects. */
export type GetDataMessage = InventoryMessage<'getdata'>;
/** `notfound`: objects that cannot be served. */
export type NotFoundMessage = InventoryMessage<'notfound'>;

/** A decoded inventory vector; a class so V8 does not pretenure it (see transaction.ts). */
class Item implements InvVector {
  type: number;
  hash: Uint8Array;
  constructor(type: number, hash: Uint8Array) {
    this.type = type;
    this.hash = hash;
  }
}

/** An inventory message; built by a constructor (see {@link Item}). */
class Inventory<C extends 'inv' | 'getdata' | 'notfound'> implements InventoryMessage<C> {
  command: C;
  items: InvVector[];
  constructor(command: C, items: InvVector[]) {
    this.command = command;
    this.items = items;
  }
}

/** Build the decoder for one of the inventory commands. */
export function inventoryDecoder<C extends 'inv' | 'getdata' | 'notfound'>(command: C): (r: ByteReader) => InventoryMessage<C> {
  return (r) => {
    const n = r.count(MAX_INV_PER_MESSAGE, 36, 'inventory');
    const items = new Array<InvVector>(n);
    const start = r.take(n * 36); // one bounds check for the whole list
    for (let i = 0, at = start; i < n; i++, at += 36) items[i] = new Item(r.u32At(at), r.viewAt(at + 4, 32));
    return new Inventory(command, items);
  };
}

/** Encode an inventory payload. */
export function encodeInventory(w: ByteWriter, m: InventoryMessage<'inv' | 'getdata' | 'notfound'>): void {
  checkLimit(m.items.length, MAX_INV_PER_MESSAGE, m.command);
  w.varint(m.items.length);
  for (const item of m.items) w.u32le(item.type).hash(item.hash);
}
