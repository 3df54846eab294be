/** Why a header was refused. */
export const ChainErrorCode = {
  /** Its previous block is unknown, or a batch is not a continuous sequence. */
  BadLink: 'bad-link',
  /** Its hash is above the target its `bits` state, or `bits` is negative, overflowing, zero or above the network's limit. */
  BadPow: 'bad-pow',
  /** `bits` is not the difficulty the rules require at its height. */
  BadBits: 'bad-bits',
  /** Its time is not after the median time of the previous 11 blocks. */
  TimeTooOld: 'time-too-old',
  /** Its time is more than 2 hours ahead of the clock. */
  TimeTooNew: 'time-too-new',
  /** BIP94 (testnet4): a period's first block is more than 600 s earlier than its parent. */
  TimeWarp: 'time-warp',
  /** Its version was retired by BIP34/66/65 at its height. */
  BadVersion: 'bad-version',
  /** It contradicts a checkpoint: a different block at a checkpoint height, or a fork below a checkpoint already passed. */
  CheckpointMismatch: 'checkpoint-mismatch',
  /** No peer gave the header of the checkpoint a chain starts from (none answered, or none knew the block). */
  CheckpointUnavailable: 'checkpoint-unavailable',
  /** It belongs to a branch with too little work to be worth storing (anti-DoS), or a peer's best chain has less than the network's minimum. */
  LowWork: 'low-work',
} as const;

/** One of {@link ChainErrorCode}. */
export type ChainErrorCode = (typeof ChainErrorCode)[keyof typeof ChainErrorCode];

/**
 * A header refused by a {@link HeaderChain}, naming the rule, the height
 * it would have had and its hash (display hex).
 */
export class ChainError extends Error {
  static override readonly name = 'ChainError';
  /** The rule that failed. */
  readonly code: ChainErrorCode;
  /** Height of the refused header (its parent's height + 1; -1 when the parent is unknown). */
  readonly height: number;
  /** Hash of the refused header, display (reversed) hex. */
  readonly hash: string;

  /**
   * @param code - the rule that failed
   * @param message - what was wrong
   * @param height - the header's height
   * @param hash - the header's hash, display hex
   */
  constructor(code: ChainErrorCode, message: string, height: number, hash: string) {
    super(`${code} at height ${height} (${hash}): ${message}`);
    this.name = 'ChainError';
    this.code = code;
    this.height = height;
    this.hash = hash;
  }
}
