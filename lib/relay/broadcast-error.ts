/** Why a broadcast failed. */
export const BroadcastErrorCode = {
  /** Not one transaction rxbtc should send (no inputs or no outputs). */
  Invalid: 'invalid',
  /** No peer to announce it to (none given, or none completed the handshake). */
  NoPeers: 'no-peers',
  /** No peer fetched it within the timeout. */
  Timeout: 'timeout',
  /** Every peer that answered refused it with `reject`. */
  Rejected: 'rejected',
} as const;
/** One of {@link BroadcastErrorCode}. */
export type BroadcastErrorCode = (typeof BroadcastErrorCode)[keyof typeof BroadcastErrorCode];

/** A peer's `reject` of a broadcast transaction (BIP61; Bitcoin Core no longer sends them, bcoin does). */
export interface BroadcastReject {
  /** The peer's address. */
  peer: string;
  /** The BIP61 code. */
  code: number;
  /** Its reason. */
  reason: string;
}

/** A broadcast that no peer took. */
export class BroadcastError extends Error {
  static override readonly name = 'BroadcastError';
  /** What went wrong. */
  readonly code: BroadcastErrorCode;
  /** The rejects peers sent, if any. */
  readonly rejects: readonly BroadcastReject[];

  /**
   * @param code - what went wrong
   * @param message - a sentence for people
   * @param rejects - the peers' rejects
   */
  constructor(code: BroadcastErrorCode, message: string, rejects: readonly BroadcastReject[] = []) {
    super(message);
    this.name = 'BroadcastError';
    this.code = code;
    this.rejects = rejects;
  }
}
