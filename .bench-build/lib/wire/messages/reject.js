/** Longest rejected-command field accepted. */
export const MAX_REJECT_COMMAND_LENGTH = 12;
/** Longest reason accepted (Bitcoin Core's MAX_REJECT_MESSAGE_LENGTH). */
export const MAX_REJECT_REASON_LENGTH = 111;
/** BIP61 reject codes. */
export const RejectCode = {
    /** Could not parse. */
    Malformed: 0x01,
    /** Invalid by consensus. */
    Invalid: 0x10,
    /** Version too old. */
    Obsolete: 0x11,
    /** Already seen. */
    Duplicate: 0x12,
    /** Non-standard. */
    Nonstandard: 0x40,
    /** Dust output. */
    Dust: 0x41,
    /** Fee too low. */
    InsufficientFee: 0x42,
    /** Conflicts with a checkpoint. */
    Checkpoint: 0x43,
};
/** Decode a `reject` payload; a trailing 32-byte hash is optional. */
export function decodeReject(r) {
    const message = r.varString(MAX_REJECT_COMMAND_LENGTH, 'rejected command');
    const code = r.u8();
    const reason = r.varString(MAX_REJECT_REASON_LENGTH, 'reason');
    const m = { command: 'reject', message, code, reason };
    if (r.remaining >= 32)
        m.hash = r.hash();
    return m;
}
/** Encode a `reject` payload. */
export function encodeReject(w, m) {
    w.varString(m.message).u8(m.code).varString(m.reason);
    if (m.hash)
        w.hash(m.hash);
}
