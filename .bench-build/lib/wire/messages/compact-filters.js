import { MAX_BLOCK_SERIALIZED_SIZE } from '../transaction.js';
import { checkLimit } from '../writer.js';
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
};
function readHashes(r, max, what) {
    const n = r.count(max, 32, what);
    const out = new Array(n);
    for (let i = 0; i < n; i++)
        out[i] = r.hash();
    return out;
}
function writeHashes(w, hashes, max, what) {
    checkLimit(hashes.length, max, what);
    w.varint(hashes.length);
    for (const h of hashes)
        w.hash(h);
}
/** Decode `getcfilters` or `getcfheaders` (same layout). */
export function rangeRequestDecoder(command) {
    return (r) => ({ command, filterType: r.u8(), startHeight: r.u32le(), stopHash: r.hash() });
}
/** Encode `getcfilters` or `getcfheaders`. */
export function encodeRangeRequest(w, m) {
    w.u8(m.filterType).u32le(m.startHeight).hash(m.stopHash);
}
/** Decode a `cfilter` payload. */
export function decodeCFilter(r) {
    return { command: 'cfilter', filterType: r.u8(), blockHash: r.hash(), filter: r.varBytes(MAX_CFILTER_SIZE, 'filter') };
}
/** Encode a `cfilter` payload. */
export function encodeCFilter(w, m) {
    w.u8(m.filterType).hash(m.blockHash).varBytes(m.filter);
}
/** Decode a `cfheaders` payload. */
export function decodeCFHeaders(r) {
    const filterType = r.u8();
    const stopHash = r.hash();
    const previousFilterHeader = r.hash();
    const filterHashes = readHashes(r, MAX_CFHEADERS_PER_MESSAGE, 'filter hash');
    return { command: 'cfheaders', filterType, stopHash, previousFilterHeader, filterHashes };
}
/** Encode a `cfheaders` payload. */
export function encodeCFHeaders(w, m) {
    w.u8(m.filterType).hash(m.stopHash).hash(m.previousFilterHeader);
    writeHashes(w, m.filterHashes, MAX_CFHEADERS_PER_MESSAGE, 'cfheaders');
}
/** Decode a `getcfcheckpt` payload. */
export function decodeGetCFCheckpt(r) {
    return { command: 'getcfcheckpt', filterType: r.u8(), stopHash: r.hash() };
}
/** Encode a `getcfcheckpt` payload. */
export function encodeGetCFCheckpt(w, m) {
    w.u8(m.filterType).hash(m.stopHash);
}
/** Decode a `cfcheckpt` payload. */
export function decodeCFCheckpt(r) {
    const filterType = r.u8();
    const stopHash = r.hash();
    return { command: 'cfcheckpt', filterType, stopHash, filterHeaders: readHashes(r, MAX_CFCHECKPT_HEADERS, 'filter header') };
}
/** Encode a `cfcheckpt` payload. */
export function encodeCFCheckpt(w, m) {
    w.u8(m.filterType).hash(m.stopHash);
    writeHashes(w, m.filterHeaders, MAX_CFCHECKPT_HEADERS, 'cfcheckpt');
}
