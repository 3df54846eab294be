/** Decode a `feefilter` payload. */
export function decodeFeeFilter(r) {
    return { command: 'feefilter', feeRate: r.i64le() };
}
/** Encode a `feefilter` payload. */
export function encodeFeeFilter(w, m) {
    w.i64le(m.feeRate);
}
