/** Why a stored file or database could not be used. */
export const StoreErrorCode = {
  /** It exists but was not written by this kind of rxbtc store (another program's file, another store's file). */
  Foreign: 'foreign',
  /** Written by a newer or older format of this store. */
  Version: 'version',
  /** Its contents fail their own checks (a checksum, a length, a link) in a way a torn last write cannot explain. */
  Corrupt: 'corrupt',
  /** It belongs to another chain or wallet than the one it is opened for (another network, another root). */
  Mismatch: 'mismatch',
  /** The storage is full (a browser's quota, a full disk). */
  Full: 'full',
  /** Another connection holds the database (a browser tab with an older version open). */
  Blocked: 'blocked',
  /** Reading or writing failed (a closed store, an I/O error). */
  Io: 'io',
} as const;

/** One of {@link StoreErrorCode}. */
export type StoreErrorCode = (typeof StoreErrorCode)[keyof typeof StoreErrorCode];

/**
 * A store that cannot be used as it is: never a silent reset. It names the
 * file (or database) so a user can look at it, move it away or delete it.
 */
export class StoreError extends Error {
  static override readonly name = 'StoreError';
  /** What is wrong. */
  readonly code: StoreErrorCode;
  /** The file or database name. */
  readonly file: string;

  /**
   * @param code - what is wrong
   * @param file - the file or database
   * @param message - details, read after the file name ("is not an rxbtc header store")
   * @param options - `cause`: the underlying error
   */
  constructor(code: StoreErrorCode, file: string, message: string, options?: ErrorOptions) {
    super(`${file} ${message}`, options);
    this.name = 'StoreError';
    this.code = code;
    this.file = file;
  }
}
