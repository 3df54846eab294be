/** Why a BIP324 session failed. */
export const V2ErrorCode = {
  /** The remote closed (or reset) before its 64-byte key arrived: likely a v1-only peer (retry with v1). */
  KeyExchangeClosed: 'key-exchange-closed',
  /** The initiator got a v1 `version` message where the responder's key belongs: the remote speaks v1 only. */
  V1Responder: 'v1-responder',
  /** The responder got what looks like a v1 `version` from another network instead of a key. */
  WrongNetwork: 'wrong-network',
  /** No garbage terminator within the 4,095 bytes of garbage allowed. */
  NoTerminator: 'no-terminator',
  /** A packet that does not authenticate (a flipped bit, a wrong key, or a v1 stream). */
  BadPacket: 'bad-packet',
  /** A packet longer than the limit. */
  TooLong: 'too-long',
  /** Contents that are empty or name a command in a malformed way. */
  BadContents: 'bad-contents',
  /** The key exchange and version packet did not complete in time. */
  Timeout: 'timeout',
  /** The stream ended inside a packet or the handshake. */
  Truncated: 'truncated',
} as const;

/** One of {@link V2ErrorCode}. */
export type V2ErrorCode = (typeof V2ErrorCode)[keyof typeof V2ErrorCode];

/** A BIP324 transport failure; the connection is to be closed. */
export class V2Error extends Error {
  /** What failed. */
  readonly code: V2ErrorCode;
  /**
   * @param code - what failed
   * @param message - details
   * @param options - `cause`: the socket error behind it
   */
  constructor(code: V2ErrorCode, message: string, options?: ErrorOptions) {
    super(`${code}: ${message}`, options);
    this.name = 'V2Error';
    this.code = code;
  }
}
