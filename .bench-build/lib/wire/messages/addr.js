import { NET_ADDRESS_SIZE, readNetAddress, writeNetAddress } from '../netaddress.js';
import { checkLimit } from '../writer.js';
/** Most addresses in one `addr` or `addrv2` message. */
export const MAX_ADDR_PER_MESSAGE = 1000;
/** Decode an `addr` payload. */
export function decodeAddr(r) {
    const n = r.count(MAX_ADDR_PER_MESSAGE, 4 + NET_ADDRESS_SIZE, 'address');
    const addresses = new Array(n);
    for (let i = 0; i < n; i++) {
        const timestamp = r.u32le();
        addresses[i] = { timestamp, ...readNetAddress(r) };
    }
    return { command: 'addr', addresses };
}
/** Encode an `addr` payload. */
export function encodeAddr(w, m) {
    checkLimit(m.addresses.length, MAX_ADDR_PER_MESSAGE, 'addr');
    w.varint(m.addresses.length);
    for (const a of m.addresses) {
        w.u32le(a.timestamp);
        writeNetAddress(w, a);
    }
}
