import { checkLimit } from '../writer.js';
/** Most locator hashes accepted (btcd's MaxBlockLocatorsPerMsg; Bitcoin Core sends at most 101). */
export const MAX_LOCATOR_HASHES = 500;
/** Build the decoder for `getblocks` or `getheaders`. */
export function locatorDecoder(command) {
    return (r) => {
        const version = r.u32le();
        const n = r.count(MAX_LOCATOR_HASHES, 32, 'locator hash');
        const locator = new Array(n);
        for (let i = 0; i < n; i++)
            locator[i] = r.hash();
        return { command, version, locator, stopHash: r.hash() };
    };
}
/** Encode a locator payload. */
export function encodeLocator(w, m) {
    checkLimit(m.locator.length, MAX_LOCATOR_HASHES, m.command);
    w.u32le(m.version).varint(m.locator.length);
    for (const h of m.locator)
        w.hash(h);
    w.hash(m.stopHash);
}
