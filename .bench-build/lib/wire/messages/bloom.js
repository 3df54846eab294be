import { ProtocolErrorCode } from '../errors.js';
import { checkLimit } from '../writer.js';
/** Largest bloom filter (BIP37 MAX_BLOOM_FILTER_SIZE). */
export const MAX_BLOOM_FILTER_SIZE = 36_000;
/** Most hash functions in a filter (BIP37 MAX_HASH_FUNCS). */
export const MAX_BLOOM_HASH_FUNCS = 50;
/** Largest `filteradd` element (MAX_SCRIPT_ELEMENT_SIZE). */
export const MAX_FILTERADD_DATA_SIZE = 520;
/** BIP37 nFlags: how matched outputs update the filter. */
export const BloomFlag = {
    /** Never update. */
    None: 0,
    /** Add every matched outpoint. */
    All: 1,
    /** Add outpoints of matched pay-to-pubkey and multisig outputs only. */
    P2PubkeyOnly: 2,
};
/** Decode a `filterload` payload. */
export function decodeFilterLoad(r) {
    const filter = r.varBytes(MAX_BLOOM_FILTER_SIZE, 'filter');
    const hashFuncs = r.u32le();
    if (hashFuncs > MAX_BLOOM_HASH_FUNCS)
        r.fail(`${hashFuncs} hash functions exceed ${MAX_BLOOM_HASH_FUNCS}`, ProtocolErrorCode.LimitExceeded);
    return { command: 'filterload', filter, hashFuncs, tweak: r.u32le(), flags: r.u8() };
}
/** Encode a `filterload` payload. */
export function encodeFilterLoad(w, m) {
    checkLimit(m.filter.length, MAX_BLOOM_FILTER_SIZE, 'filterload filter');
    checkLimit(m.hashFuncs, MAX_BLOOM_HASH_FUNCS, 'filterload hash functions');
    w.varBytes(m.filter).u32le(m.hashFuncs).u32le(m.tweak).u8(m.flags);
}
/** Decode a `filteradd` payload. */
export function decodeFilterAdd(r) {
    return { command: 'filteradd', data: r.varBytes(MAX_FILTERADD_DATA_SIZE, 'element') };
}
/** Encode a `filteradd` payload. */
export function encodeFilterAdd(w, m) {
    checkLimit(m.data.length, MAX_FILTERADD_DATA_SIZE, 'filteradd data');
    w.varBytes(m.data);
}
