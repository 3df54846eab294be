/** Why a text is not a descriptor rxbtc can watch. */
export const DescriptorErrorCode = {
  /** The text does not follow the grammar (a missing parenthesis, an unknown function, a bad number). */
  Syntax: 'syntax',
  /** The `#checksum` is wrong, too short or too long. */
  Checksum: 'checksum',
  /** A key is not a valid public key or extended public key. */
  Key: 'key',
  /** A private key (WIF, xprv, tprv): rxbtc is watch-only. */
  PrivateKey: 'private-key',
  /** Hardened derivation below an extended public key, which only its private key can do. */
  Hardened: 'hardened',
  /** An expression where its context forbids it (`sh` inside `wsh`, an uncompressed key in segwit, …). */
  Context: 'context',
  /** Valid descriptor language rxbtc does not implement (a taproot script tree, `combo`, miniscript). */
  Unsupported: 'unsupported',
} as const;
/** One of {@link DescriptorErrorCode}. */
export type DescriptorErrorCode = (typeof DescriptorErrorCode)[keyof typeof DescriptorErrorCode];

/** A descriptor that cannot be parsed or derived, with where in its text the problem is. */
export class DescriptorError extends Error {
  static override readonly name = 'DescriptorError';
  /** What kind of problem. */
  readonly code: DescriptorErrorCode;
  /** Index (0-based) of the character in the descriptor's text where the problem is. */
  readonly position: number;

  /**
   * @param code - what kind of problem
   * @param position - where in the text
   * @param message - what is wrong
   */
  constructor(code: DescriptorErrorCode, position: number, message: string) {
    super(`${message} (at position ${position})`);
    this.name = 'DescriptorError';
    this.code = code;
    this.position = position;
  }
}
