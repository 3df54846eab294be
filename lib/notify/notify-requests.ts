/** What {@link ChainNotifier.confirmations} is asked: a transaction and how deep to follow it. */
export interface ConfirmationRequest {
  /** The transaction id, display hex. */
  txid: string;
  /** One of its output scripts (what the compact filters are matched against). */
  script: Uint8Array;
  /** Confirmations to count to: the Observable completes once the transaction is this deep. @default 1 */
  depth?: number;
  /** A height at or below the block that confirms it (where it was broadcast, say): earlier blocks are not searched. */
  heightHint: number;
}

/** What {@link ChainNotifier.spends} is asked: an output and how deep its spend is followed. */
export interface SpendRequest {
  /** The output, `txid:vout` (display hex). */
  outpoint: string;
  /** Its script (the compact filters hold the scripts that inputs spend). */
  script: Uint8Array;
  /** A height at or below the block that created it: earlier blocks are not searched. */
  heightHint: number;
  /** Confirmations of the spend after which the Observable completes (a reorganisation before then is reported). @default 1 */
  depth?: number;
}

/** What {@link ChainNotifier.utxo} is asked: an output and where to look for it. */
export interface UtxoRequest {
  /** The output, `txid:vout` (display hex). */
  outpoint: string;
  /** Its script. */
  script: Uint8Array;
  /** A height at or below the block that created it. */
  heightHint: number;
}

/** The kinds of registration. */
export type RegistrationKind = 'confirmations' | 'spends' | 'utxo';
