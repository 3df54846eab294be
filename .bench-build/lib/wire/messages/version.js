import { NET_ADDRESS_SIZE, readNetAddress, writeNetAddress } from '../netaddress.js';
/** Longest user agent accepted (Bitcoin Core's MAX_SUBVERSION_LENGTH). */
export const MAX_USER_AGENT_LENGTH = 256;
/** Largest possible `version` payload. */
export const MAX_VERSION_PAYLOAD = 4 + 8 + 8 + NET_ADDRESS_SIZE * 2 + 8 + 3 + MAX_USER_AGENT_LENGTH + 4 + 1;
/** Decode a `version` payload; the trailing relay flag is optional (defaults to true). */
export function decodeVersion(r) {
    const version = r.i32le();
    const services = r.u64le();
    const timestamp = r.i64le();
    const receiver = readNetAddress(r);
    const sender = readNetAddress(r);
    const nonce = r.u64le();
    const userAgent = r.varString(MAX_USER_AGENT_LENGTH, 'user agent');
    const startHeight = r.i32le();
    const relay = r.remaining > 0 ? r.bool() : true;
    return { command: 'version', version, services, timestamp, receiver, sender, nonce, userAgent, startHeight, relay };
}
/** Encode a `version` payload. */
export function encodeVersion(w, m) {
    w.i32le(m.version).u64le(m.services).i64le(m.timestamp);
    writeNetAddress(w, m.receiver);
    writeNetAddress(w, m.sender);
    w.u64le(m.nonce).varString(m.userAgent).i32le(m.startHeight).bool(m.relay);
}
