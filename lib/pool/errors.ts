/** Why the pool refused or dropped a peer. */
export const PoolErrorCode = {
  /** The peer sent messages faster than the flood limit allows. */
  Flood: 'flood',
  /** The caller banned the peer. */
  Banned: 'banned',
  /** The pool is closed. */
  Closed: 'closed',
  /** The pool gave the peer's outbound slot to a peer with services a job wants (see `Pool.want`). */
  Evicted: 'evicted',
} as const;

/** One of the {@link PoolErrorCode} values. */
export type PoolErrorCode = (typeof PoolErrorCode)[keyof typeof PoolErrorCode];

/** A pool-level reason a peer was disconnected. */
export class PoolError extends Error {
  /** Machine-readable reason. */
  readonly code: PoolErrorCode;

  /**
   * @param code - why
   * @param message - detail
   */
  constructor(code: PoolErrorCode, message: string) {
    super(message);
    this.name = 'PoolError';
    this.code = code;
  }
}
