import { ByteReader } from '../wire/reader.js';
import { encodeTransaction, readTransaction } from '../wire/transaction.js';
import { fromHex, toHex } from '../wire/hex.js';
import type { KeychainState, ScriptOrigin } from './keychains.js';
import type { WalletEvent, WalletProof, WalletTxStatus } from './wallet-tracker.js';

/** A block of the best chain as a wallet remembers it. */
export interface BlockRef {
  /** Height. */
  height: number;
  /** Block hash, display hex. */
  hash: string;
}

/** One entry of a wallet store, in the order it happened. */
export type WalletRecord =
  | {
      /** What the wallet is: written first, and again when scripts are added. */
      type: 'wallet';
      /** The network's name: a store of another network is refused. */
      network: string;
      /** Every watched output script, hex. */
      scripts: string[];
      /** The birthday: the first height scanned. */
      from: number;
      /** The descriptor keychains: how far each is derived and used (their scripts are among `scripts`). */
      keychains?: KeychainState[];
    }
  | {
      /** An event delivered to the wallet's subscribers. */
      type: 'event';
      /** The event. */
      event: WalletEvent;
    }
  | {
      /** Every block of the best chain up to `height` has been checked. */
      type: 'checked';
      /** That block. */
      height: number;
      /** Its hash, display hex. */
      hash: string;
      /** Blocks below it (1, 2, 4, … back), to find where a chain that left it forked. */
      below: BlockRef[];
    };

const STATUSES: readonly WalletTxStatus[] = ['mempool', 'confirmed', 'reorged'];

/** A wallet record as JSON bytes (satoshis as decimal strings, the transaction as hex). */
export function encodeWalletRecord(r: WalletRecord): Uint8Array {
  const json =
    r.type === 'event'
      ? {
          ...r,
          event: {
            ...r.event,
            tx: toHex(encodeTransaction(r.event.tx)),
            received: r.event.received.map((x) => ({ ...x, value: x.value.toString() })),
          },
        }
      : r;
  return new TextEncoder().encode(JSON.stringify(json));
}

/** Why bytes are not a wallet record. */
export class WalletRecordError extends Error {
  static override readonly name = 'WalletRecordError';
  /** @param message - what is wrong */
  constructor(message: string) {
    super(message);
    this.name = 'WalletRecordError';
  }
}

const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isHex = (v: unknown): v is string => typeof v === 'string' && /^([0-9a-f]{2})*$/.test(v);
const isHash = (v: unknown): v is string => isHex(v) && v.length === 64;
const isRef = (v: unknown): v is BlockRef =>
  typeof v === 'object' && v !== null && isInt((v as BlockRef).height) && isHash((v as BlockRef).hash);

const isOrigin = (v: unknown): v is ScriptOrigin => {
  const o = v as ScriptOrigin;
  return typeof v === 'object' && v !== null && typeof o.descriptor === 'string' && typeof o.keychain === 'string' && isInt(o.index);
};
const isKeychain = (v: unknown): v is KeychainState => {
  const k = v as KeychainState;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof k.descriptor === 'string' &&
    typeof k.keychain === 'string' &&
    isInt(k.used) &&
    Array.isArray(k.scripts) &&
    k.scripts.every(isHex)
  );
};

/**
 * Decode {@link encodeWalletRecord}'s bytes, checking every field.
 * @throws WalletRecordError when they are not a wallet record
 */
export function decodeWalletRecord(bytes: Uint8Array): WalletRecord {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new WalletRecordError(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const r = v as Record<string, unknown>;
  if (typeof v !== 'object' || v === null) throw new WalletRecordError('not an object');
  if (r['type'] === 'wallet') {
    const scripts = r['scripts'];
    if (typeof r['network'] !== 'string' || !Array.isArray(scripts) || !scripts.every(isHex) || !isInt(r['from'])) {
      throw new WalletRecordError('a wallet record needs network, scripts and from');
    }
    const keychains = r['keychains'];
    if (keychains === undefined) return { type: 'wallet', network: r['network'], scripts, from: r['from'] };
    if (!Array.isArray(keychains) || !keychains.every(isKeychain)) throw new WalletRecordError('bad keychains in a wallet record');
    return { type: 'wallet', network: r['network'], scripts, from: r['from'], keychains };
  }
  if (r['type'] === 'checked') {
    const below = r['below'];
    if (!isInt(r['height']) || !isHash(r['hash']) || !Array.isArray(below) || !below.every(isRef)) {
      throw new WalletRecordError('a checked record needs height, hash and below');
    }
    return { type: 'checked', height: r['height'], hash: r['hash'], below };
  }
  if (r['type'] === 'event') return { type: 'event', event: decodeEvent(r['event']) };
  throw new WalletRecordError(`unknown record type ${JSON.stringify(r['type'])}`);
}

function decodeEvent(v: unknown): WalletEvent {
  const e = v as Record<string, unknown>;
  const received = e['received'];
  const spent = e['spent'];
  if (
    typeof v !== 'object' ||
    v === null ||
    e['type'] !== 'tx' ||
    !isHash(e['txid']) ||
    !STATUSES.includes(e['status'] as WalletTxStatus) ||
    !isHex(e['tx']) ||
    !Array.isArray(received) ||
    !Array.isArray(spent)
  ) {
    throw new WalletRecordError('an event needs type, txid, status, tx, received and spent');
  }
  const status = e['status'] as WalletTxStatus;
  let tx;
  try {
    tx = readTransaction(new ByteReader(fromHex(e['tx'])));
  } catch (x) {
    throw new WalletRecordError(`its transaction does not decode: ${x instanceof Error ? x.message : String(x)}`);
  }
  const event: WalletEvent = {
    type: 'tx',
    txid: e['txid'],
    tx,
    status,
    received: received.map((x: { index?: unknown; value?: unknown; origin?: unknown }) => {
      if (!isInt(x.index) || typeof x.value !== 'string' || !/^\d+$/.test(x.value)) throw new WalletRecordError('a bad received output');
      if (x.origin !== undefined && !isOrigin(x.origin)) throw new WalletRecordError('a bad origin of a received output');
      return x.origin === undefined
        ? { index: x.index, value: BigInt(x.value) }
        : { index: x.index, value: BigInt(x.value), origin: x.origin };
    }),
    spent: spent.map((x: { index?: unknown; outpoint?: unknown }) => {
      if (!isInt(x.index) || typeof x.outpoint !== 'string') throw new WalletRecordError('a bad spent input');
      return { index: x.index, outpoint: x.outpoint };
    }),
  };
  if (status !== 'mempool') {
    if (!isInt(e['height']) || !isHash(e['blockHash'])) throw new WalletRecordError(`a ${status} event needs height and blockHash`);
    event.height = e['height'];
    event.blockHash = e['blockHash'];
  }
  if (e['origin'] !== undefined) {
    if (!isOrigin(e['origin'])) throw new WalletRecordError('a bad origin');
    event.origin = e['origin'];
  }
  const proof = e['proof'] as WalletProof | undefined;
  if (proof !== undefined) event.proof = proof;
  return event;
}
