import { BLOCK_HEADER_SIZE, readBlockHeader, writeBlockHeader } from '../block-header.js';
import { checkLimit } from '../writer.js';
/** Most headers in one `headers` message. */
export const MAX_HEADERS_PER_MESSAGE = 2000;
/** Decode a `headers` payload (the per-header transaction count is read and ignored, as Bitcoin Core does). */
export function decodeHeaders(r) {
    const n = r.count(MAX_HEADERS_PER_MESSAGE, BLOCK_HEADER_SIZE + 1, 'header');
    const headers = new Array(n);
    for (let i = 0; i < n; i++) {
        headers[i] = readBlockHeader(r);
        r.varint();
    }
    return { command: 'headers', headers };
}
/** Encode a `headers` payload. */
export function encodeHeaders(w, m) {
    checkLimit(m.headers.length, MAX_HEADERS_PER_MESSAGE, 'headers');
    w.varint(m.headers.length);
    for (const h of m.headers) {
        writeBlockHeader(w, h);
        w.u8(0);
    }
}
