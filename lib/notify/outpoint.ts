import { hashToHex } from '../wire/hex.js';
import type { TxInput } from '../wire/transaction.js';

/** An output as the notifier writes it: `txid:vout`, the txid in display hex. */
export type OutpointText = string;

/**
 * Check an outpoint written `txid:vout` and give it back in canonical form
 * (lower-case hex, the index without leading zeros).
 * @throws TypeError when it is not 64 hex digits, a colon and an output index
 */
export function parseOutpoint(text: string): { txid: string; vout: number; text: OutpointText } {
  const m = /^([0-9a-fA-F]{64}):(\d{1,10})$/.exec(text);
  const vout = m ? Number(m[2]) : NaN;
  if (!m || vout > 0xffffffff) throw new TypeError(`an outpoint is TXID:VOUT (64 hex digits, an output index): ${text}`);
  const txid = m[1]!.toLowerCase();
  return { txid, vout, text: `${txid}:${vout}` };
}

/** The outpoint an input spends, as {@link parseOutpoint} writes it. */
export function spentOutpoint(input: TxInput): OutpointText {
  return `${hashToHex(input.txid)}:${input.vout}`;
}

/**
 * Check a transaction id in display hex and give it back in lower case.
 * @throws TypeError when it is not 64 hex digits
 */
export function parseTxid(text: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new TypeError(`a txid is 64 hex digits: ${text}`);
  return text.toLowerCase();
}
