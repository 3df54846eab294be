/** Why a peer was disconnected or an operation refused. */
export const PeerErrorCode = {
  /** The version/verack exchange did not finish in time. */
  NegotiateTimeout: 'negotiate-timeout',
  /** The first message was not `version`. */
  VersionExpected: 'version-expected',
  /** The remote's protocol version is below the minimum (209). */
  ObsoleteVersion: 'obsolete-version',
  /** The remote's version nonce is one this process sent: we connected to ourselves. */
  SelfConnection: 'self-connection',
  /** A message other than verack, sendaddrv2, wtxidrelay or an unknown one arrived before verack. */
  InvalidHandshake: 'invalid-handshake',
  /** Nothing was received for the idle timeout. */
  IdleTimeout: 'idle-timeout',
  /** An expected reply did not arrive in time. */
  Stalled: 'stalled',
  /** The remote broke a protocol rule (bloom commands without NODE_BLOOM, sendaddrv2 after verack…). */
  ProtocolViolation: 'protocol-violation',
  /** The peer is disconnected. */
  Disconnected: 'disconnected',
  /** The outbound queue is full. */
  QueueFull: 'queue-full',
} as const;

/** One of the {@link PeerErrorCode} values. */
export type PeerErrorCode = (typeof PeerErrorCode)[keyof typeof PeerErrorCode];

/** A peer-level failure, with a machine-readable `code` and the command involved, if any. */
export class PeerError extends Error {
  /** Machine-readable reason. */
  readonly code: PeerErrorCode;
  /** The command involved, if any. */
  readonly command: string | undefined;

  /**
   * @param code - why
   * @param message - detail
   * @param command - command involved
   * @param options - `cause`: the underlying failure, if any
   */
  constructor(code: PeerErrorCode, message: string, command?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PeerError';
    this.code = code;
    this.command = command;
  }
}
