import { checkLimit } from '../writer.js';
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
};
/** Build the decoder for one of the inventory commands. */
export function inventoryDecoder(command) {
    return (r) => {
        const n = r.count(MAX_INV_PER_MESSAGE, 36, 'inventory');
        const items = new Array(n);
        for (let i = 0; i < n; i++)
            items[i] = { type: r.u32le(), hash: r.hash() };
        return { command, items };
    };
}
/** Encode an inventory payload. */
export function encodeInventory(w, m) {
    checkLimit(m.items.length, MAX_INV_PER_MESSAGE, m.command);
    w.varint(m.items.length);
    for (const item of m.items)
        w.u32le(item.type).hash(item.hash);
}
