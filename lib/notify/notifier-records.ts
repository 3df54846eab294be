import type { BlockRef } from '../wallet/wallet-records.js';
import type { WalletProof } from '../wallet/wallet-tracker.js';
import { fromHex, toHex } from '../wire/hex.js';
import { ByteReader } from '../wire/reader.js';
import { encodeTransaction, readTransaction } from '../wire/transaction.js';
import type { ConfirmationEvent, ConfirmationUpdate, SpendEvent, SpendNotice } from './notify-events.js';

/** A stored registration's request (scripts as hex). */
export interface StoredRequest {
  /** `confirmations` or `spends` (a `utxo` question is not stored). */
  kind: 'confirmations' | 'spends';
  /** The transaction (confirmations), display hex. */
  txid?: string;
  /** The output (spends), `txid:vout`. */
  outpoint?: string;
  /** The script, hex. */
  script: string;
  /** The depth asked. */
  depth: number;
  /** The height hint asked. */
  heightHint: number;
}

/** What the blocks a notifier checked were, when it last said how far it got. */
export interface CheckedTip extends BlockRef {
  /** Blocks 1, 2, 4, … below it, to find where a chain that left it forked. */
  below: BlockRef[];
}

/** One entry of a notifier store, in the order it happened. */
export type NotifierRecord =
  | {
      /** A registration, the first time it is made. */
      type: 'registration';
      /** Its number in this store. */
      id: number;
      /** Its identity: the kind and what was asked. */
      key: string;
      /** What was asked. */
      request: StoredRequest;
    }
  | {
      /** An event delivered to a registration's subscriber. */
      type: 'event';
      /** The registration. */
      id: number;
      /** The event. */
      event: ConfirmationEvent | SpendEvent;
    }
  | {
      /** A registration said all it had to say (its Observable completed). */
      type: 'done';
      /** The registration. */
      id: number;
    }
  | {
      /** How far the running registrations were checked, on the chain as it was. */
      type: 'progress';
      /** The tip then. */
      tip: CheckedTip;
      /** Per registration (id), the lowest height it still needed (every block from its hint below it was checked). */
      from: [number, number][];
    };

/** Why bytes are not a notifier record. */
export class NotifierRecordError extends Error {
  static override readonly name = 'NotifierRecordError';
  /** @param message - what is wrong */
  constructor(message: string) {
    super(message);
    this.name = 'NotifierRecordError';
  }
}

/** A notifier record as JSON bytes (transactions as hex). */
export function encodeNotifierRecord(r: NotifierRecord): Uint8Array {
  const json =
    r.type === 'event' && r.event.type !== 'reorged' ? { ...r, event: { ...r.event, tx: toHex(encodeTransaction(r.event.tx)) } } : r;
  return new TextEncoder().encode(JSON.stringify(json));
}

type Json = Record<string, unknown>;
const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isHash = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
const isRef = (v: unknown): v is BlockRef => isObject(v) && isInt(v['height']) && isHash(v['hash']);
const isProof = (v: unknown): v is WalletProof =>
  isObject(v) && isInt(v['index']) && (v['kind'] === 'block' || (v['kind'] === 'merkleblock' && isInt(v['totalTransactions'])));

function need(ok: boolean, what: string): asserts ok {
  if (!ok) throw new NotifierRecordError(what);
}

function decodeEvent(e: unknown): ConfirmationEvent | SpendEvent {
  need(isObject(e) && typeof e['txid'] === 'string' && isHash(e['txid']), 'an event without a txid');
  const placed = isInt(e['height']) && isHash(e['blockHash']);
  if (e['type'] === 'reorged') {
    need(placed, 'a reorged event without its block');
    return e as unknown as ConfirmationEvent | SpendEvent;
  }
  need(typeof e['tx'] === 'string' && /^([0-9a-f]{2})+$/.test(e['tx']), 'an event without its transaction');
  const tx = readTransaction(new ByteReader(fromHex(e['tx'])));
  if (e['type'] === 'confirmation') {
    need(placed && isInt(e['confirmations']) && isProof(e['proof']), 'a confirmation without its block, count or proof');
    return { ...(e as unknown as ConfirmationUpdate), tx };
  }
  need(e['type'] === 'spent' && typeof e['outpoint'] === 'string' && isInt(e['inputIndex']), 'an event of unknown type');
  need(e['height'] === undefined || (placed && isProof(e['proof'])), 'a spend with half a block');
  return { ...(e as unknown as SpendNotice), tx };
}

/**
 * Read a notifier record.
 * @throws NotifierRecordError when the bytes are not one
 */
export function decodeNotifierRecord(bytes: Uint8Array): NotifierRecord {
  let r: unknown;
  try {
    r = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new NotifierRecordError(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  need(isObject(r), 'not an object');
  switch (r['type']) {
    case 'registration': {
      const q = r['request'];
      need(isInt(r['id']) && typeof r['key'] === 'string' && isObject(q), 'a registration without id, key or request');
      need(q['kind'] === 'confirmations' || q['kind'] === 'spends', 'a registration of unknown kind');
      need(typeof q['script'] === 'string' && isInt(q['depth']) && isInt(q['heightHint']), 'a registration without script, depth or hint');
      return r as unknown as NotifierRecord;
    }
    case 'event':
      need(isInt(r['id']), 'an event without its registration');
      return { type: 'event', id: r['id'], event: decodeEvent(r['event']) };
    case 'done':
      need(isInt(r['id']), 'a done without its registration');
      return { type: 'done', id: r['id'] };
    case 'progress': {
      const tip = r['tip'];
      const from = r['from'];
      const below = isObject(tip) ? tip['below'] : undefined;
      need(isRef(tip) && Array.isArray(below) && below.every(isRef), 'progress without its tip');
      need(Array.isArray(from) && from.every((x) => Array.isArray(x) && x.length === 2 && x.every(isInt)), 'progress without heights');
      return r as unknown as NotifierRecord;
    }
    default:
      throw new NotifierRecordError(`unknown record type ${String(r['type'])}`);
  }
}
