import type { ByteReader } from '../reader.js';
import type { ByteWriter } from '../writer.js';

/** `feefilter` (BIP133): do not announce transactions below this fee rate. */
export interface FeeFilterMessage {
  /** Command name. */
  command: 'feefilter';
  /** Minimum fee rate in satoshis per 1000 virtual bytes. */
  feeRate: bigint;
}

/** A decoded `feefilter`; built by a constructor, not a literal (see `transaction.ts` on V8's pretenuring). */
class FeeFilter implements FeeFilterMessage {
  readonly command = 'feefilter';
  feeRate: bigint;
  constructor(feeRate: bigint) {
    this.feeRate = feeRate;
  }
}

/** Decode a `feefilter` payload. */
export function decodeFeeFilter(r: ByteReader): FeeFilterMessage {
  return new FeeFilter(r.i64le());
}

/** Encode a `feefilter` payload. */
export function encodeFeeFilter(w: ByteWriter, m: FeeFilterMessage): void {
  w.i64le(m.feeRate);
}
