import { blockHash } from '../wire/block-header.js';
import { hashToHex, shortHash as short, toHex } from '../wire/hex.js';
import type { Message } from '../wire/message.js';
import { InvType } from '../wire/messages/inv.js';
import { serviceNames } from '../wire/services.js';
import { txid, wtxid, type Transaction } from '../wire/transaction.js';

const INV_NAMES = new Map<number, string>(Object.entries(InvType).map(([name, value]) => [value, name]));
const btc = (sats: bigint): string => `${Number(sats) / 1e8} BTC`;

function txLine(tx: Transaction): string {
  const value = tx.outputs.reduce((sum, o) => sum + o.value, 0n);
  return `${short(txid(tx))} ${tx.inputs.length} in, ${tx.outputs.length} out, ${btc(value)}`;
}

/** A scalar field as text; arrays and byte strings as their size. */
function fieldText(value: unknown): string {
  if (value instanceof Uint8Array) return value.length === 32 ? short(value) : `${value.length} bytes`;
  if (Array.isArray(value)) return `[${value.length}]`;
  if (typeof value === 'object' && value !== null) return '{…}';
  return String(value);
}

/** One human-readable line summarising a message, without the command's noise (hashes shortened, lists counted). */
export function formatMessage(m: Message): string {
  switch (m.command) {
    case 'version':
      return `version ${m.version} ${m.userAgent} height ${m.startHeight} services ${serviceNames(m.services).join(',') || 'none'} relay ${m.relay}`;
    case 'inv':
    case 'getdata':
    case 'notfound': {
      const shown = m.items.slice(0, 4).map((i) => `${INV_NAMES.get(i.type) ?? i.type} ${short(i.hash)}`);
      return `${m.command} ${m.items.length}: ${shown.join(', ')}${m.items.length > 4 ? ', …' : ''}`;
    }
    case 'headers': {
      const first = m.headers[0];
      const last = m.headers[m.headers.length - 1];
      return first && last ? `headers ${m.headers.length}: ${short(blockHash(first))} … ${short(blockHash(last))}` : 'headers 0';
    }
    case 'block':
      return `block ${short(blockHash(m.block.header))} ${m.block.transactions.length} transactions, time ${new Date(m.block.header.timestamp * 1000).toISOString()}`;
    case 'tx':
      return `tx ${txLine(m.tx)}`;
    case 'ping':
    case 'pong':
      return `${m.command} nonce ${m.nonce}`;
    case 'addr':
    case 'addrv2':
      return `${m.command} ${m.addresses.length} addresses`;
    case 'getheaders':
    case 'getblocks':
      return `${m.command} locator ${m.locator.length} from ${m.locator[0] ? short(m.locator[0]) : '-'} stop ${short(m.stopHash)}`;
    case 'reject':
      return `reject ${m.message} code 0x${m.code.toString(16)} "${m.reason}"`;
    case 'feefilter':
      return `feefilter ${m.feeRate} sat/kvB`;
    case 'unknown':
      return `unknown "${m.rawCommand}" ${m.payload.length} bytes`;
    default: {
      const fields = Object.entries(m)
        .filter(([k]) => k !== 'command')
        .map(([k, v]) => `${k} ${fieldText(v)}`);
      return [m.command, ...fields].join(' ');
    }
  }
}

/** JSON-ready value: bigints as strings, 32-byte hashes in the usual reversed hex, other bytes as hex. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return value.length === 32 ? hashToHex(value) : toHex(value);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

function txJson(tx: Transaction): Record<string, unknown> {
  return {
    txid: hashToHex(txid(tx)),
    wtxid: hashToHex(wtxid(tx)),
    version: tx.version,
    inputs: tx.inputs.map((i) => ({ txid: hashToHex(i.txid), vout: i.vout, sequence: i.sequence, witnessItems: i.witness.length })),
    outputs: tx.outputs.map((o) => ({ value: o.value.toString(), script: toHex(o.script) })),
    lockTime: tx.lockTime,
  };
}

/**
 * A message as a JSON-ready object for JSON lines: every field, with
 * bigints as strings and hashes as hex; blocks as their header, hash and
 * txids, transactions with their ids.
 */
export function messageToJson(m: Message): Record<string, unknown> {
  switch (m.command) {
    case 'block':
      return {
        command: 'block',
        hash: hashToHex(blockHash(m.block.header)),
        header: plain(m.block.header),
        txids: m.block.transactions.map((t) => hashToHex(txid(t))),
      };
    case 'tx':
      return { command: 'tx', ...txJson(m.tx) };
    case 'headers':
      return { command: 'headers', headers: m.headers.map((h) => ({ hash: hashToHex(blockHash(h)), ...(plain(h) as object) })) };
    default:
      return plain(m) as Record<string, unknown>;
  }
}
