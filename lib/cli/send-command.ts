import { MruSet } from '../peer/mru-set.js';
import { connectPeer } from '../peer/connect-peer.js';
import type { Peer } from '../peer/peer-api.js';
import { BroadcastError } from '../relay/broadcast-error.js';
import { broadcast } from '../relay/broadcast.js';
import { fromHex } from '../wire/hex.js';
import { ByteReader } from '../wire/reader.js';
import { readTransaction, txid, type Transaction } from '../wire/transaction.js';
import { hashToHex } from '../wire/hex.js';
import type { Network } from '../wire/networks.js';
import { explainError } from './explain-error.js';
import type { CliIO } from './main.js';
import { eventWriter } from './output.js';

/** Options of {@link runSend}. */
export interface SendCommand {
  /** The signed transaction, hex. */
  hex: string;
  /** Peers to announce it to. */
  peers: { host: string; port: number }[];
  /** How long peers have to fetch it, ms. */
  timeoutMs: number;
  /** Network. */
  network: Network;
  /** JSON lines. */
  json: boolean;
}

/**
 * The transaction in `hex`, or why it is refused: not hex, not exactly one
 * whole transaction, or one without inputs or outputs.
 */
export function transactionFromHex(hex: string): Transaction | string {
  if (!/^([0-9a-fA-F]{2})+$/.test(hex)) return 'the transaction is not hex (an even number of 0-9a-f digits)';
  const bytes = fromHex(hex.toLowerCase());
  const r = new ByteReader(bytes);
  let tx: Transaction;
  try {
    tx = readTransaction(r);
  } catch (e) {
    return `the bytes are not a transaction: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (r.offset !== bytes.length) return `the bytes are not one whole transaction: ${bytes.length - r.offset} byte(s) follow it`;
  if (tx.inputs.length === 0) return 'the transaction has no inputs';
  if (tx.outputs.length === 0) return 'the transaction has no outputs';
  return tx;
}

/**
 * `rxbtc send TXHEX HOST[:PORT]...`: announce a signed transaction to the
 * peers and serve it to those that ask; a `sent` line, a `requested` line per
 * peer that fetched it. Resolves with 0 when one did, 1 when none did, 2 for
 * a transaction refused before anything was sent.
 */
export async function runSend(cmd: SendCommand, io: CliIO): Promise<number> {
  const tx = transactionFromHex(cmd.hex);
  if (typeof tx === 'string') {
    io.err(`rxbtc: ${tx}; nothing sent`);
    return 2;
  }
  const out = eventWriter(io, cmd.json);
  const peers: Peer[] = [];
  const label = new Map<Peer, string>();
  try {
    for (const { host, port } of cmd.peers) {
      try {
        const peer = await connectPeer({ host, port, network: cmd.network, sentNonces: new MruSet(50) });
        peers.push(peer);
        label.set(peer, `${host}:${port}`);
      } catch (e) {
        io.err(`${host}:${port}: ${explainError(e, cmd.network)}`);
      }
    }
    if (peers.length === 0) {
      io.err('rxbtc: no peer to send to; nothing sent');
      return 1;
    }
    const id = hashToHex(txid(tx));
    out('sent', `sent ${id} to ${peers.length} peer(s)`, { txid: id, peers: peers.length });
    try {
      const result = await broadcast(tx, peers, {
        peers: peers.length,
        timeoutMs: cmd.timeoutMs,
        onRequest: (p) => out('requested', `${label.get(p)} fetched ${id}`, { peer: label.get(p), txid: id }),
      });
      for (const r of result.rejects)
        out('rejected', `${r.peer} rejected it: ${r.reason}`, { peer: r.peer, code: r.code, reason: r.reason });
      return 0;
    } catch (e) {
      if (!(e instanceof BroadcastError)) throw e;
      for (const r of e.rejects) out('rejected', `${r.peer} rejected it: ${r.reason}`, { peer: r.peer, code: r.code, reason: r.reason });
      io.err(`rxbtc: ${e.message}`);
      return 1;
    }
  } finally {
    for (const p of peers) p.disconnect('sent');
  }
}
