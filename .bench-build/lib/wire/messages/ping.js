/** Decode a `ping` or `pong` payload. */
export function decodeNonce(command) {
    return (r) => ({ command, nonce: r.u64le() });
}
/** Encode a `ping` or `pong` payload. */
export function encodeNonce(w, m) {
    w.u64le(m.nonce);
}
