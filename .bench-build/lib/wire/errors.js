/**
 * Why a byte sequence was refused. Stable strings, safe to switch on and log.
 */
export const ProtocolErrorCode = {
    /** The 4-byte network magic did not match the expected network. */
    BadMagic: 'bad-magic',
    /** The command field was not NUL-padded printable ASCII. */
    BadCommand: 'bad-command',
    /** The header announced a payload larger than the allowed maximum. */
    OversizedPayload: 'oversized-payload',
    /** The payload's double-SHA-256 checksum did not match the header. */
    BadChecksum: 'bad-checksum',
    /** The payload ended early or contained an impossible value. */
    Malformed: 'malformed',
    /** A count or length field exceeded its protocol limit. */
    LimitExceeded: 'limit-exceeded',
    /** The stream ended in the middle of a message. */
    Truncated: 'truncated',
};
/**
 * A remote sent bytes that break the protocol. Carries a machine-readable
 * `code` and, when known, the `command` of the offending message, so a peer
 * can decide to reject, ignore or disconnect.
 */
export class ProtocolError extends Error {
    /** Machine-readable reason. */
    code;
    /** The command of the offending message, when the header was readable. */
    command;
    /**
     * @param code - why the input was refused
     * @param message - human-readable detail
     * @param command - command of the offending message, if known
     */
    constructor(code, message, command) {
        super(command === undefined ? message : `${command}: ${message}`);
        this.name = 'ProtocolError';
        this.code = code;
        this.command = command;
    }
}
/** Type guard for {@link ProtocolError}. */
export function isProtocolError(error) {
    return error instanceof ProtocolError;
}
