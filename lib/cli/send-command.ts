import { firstValueFrom } from 'rxjs';
import { BroadcastError } from '../relay/broadcast-error.js';
import { broadcast } from '../relay/broadcast.js';
import { fromHex } from '../wire/hex.js';
import { ByteReader } from '../wire/reader.js';
import { readTransaction, txid, type Transaction } from '../wire/transaction.js';
import { hashToHex } from '../wire/hex.js';
import type { Network } from '../wire/networks.js';
import { cliPool, type PoolArguments } from './cli-pool.js';
import { commandEnd } from './command-end.js';
import { firstRound } from './first-round.js';
import type { CliIO } from './io.js';
import { eventWriter } from './output.js';
import { peerLabels } from './peer-labels.js';
import { tellPeers } from './peer-lines.js';

/** Options of {@link runSend}. */
export interface SendCommand {
  /** The signed transaction, hex. */
  hex: string;
  /** Peers to announce it to, kept through a pool while it runs. */
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
 * peers and serve it to those that ask; a `sent` line once the named peers
 * have answered (at most 5 s), a `requested` line per peer that fetched it.
 * The peers are kept through a pool: one that is away (restarting) and
 * comes back within `--timeout` is offered it too. Resolves with 0 when a
 * peer fetched it, 1 when none did (within the timeout, before Ctrl-C, or
 * because no named peer could ever take it), 2 for a transaction refused
 * before anything was sent.
 */
export async function runSend(cmd: SendCommand, io: CliIO): Promise<number> {
  const tx = transactionFromHex(cmd.hex);
  if (typeof tx === 'string') {
    io.err(`rxbtc: ${tx}; nothing sent`);
    return 2;
  }
  const out = eventWriter(io, cmd.json);
  const args: PoolArguments = { peers: cmd.peers, dnsSeed: false, network: cmd.network };
  const pool = cliPool(args);
  const told = tellPeers(pool, args, out, { joins: false });
  const id = hashToHex(txid(tx));
  let fetched = 0;
  const ending = commandEnd(
    io,
    pool,
    args,
    (why) => io.err(`rxbtc: no peer can take ${id}: ${why}`),
    () => (fetched > 0 ? 0 : 1),
  );
  const labels = peerLabels(pool);
  try {
    await Promise.race([firstValueFrom(firstRound(pool, args), { defaultValue: undefined }), ending.code]);
    const sending = broadcast(tx, pool, {
      peers: cmd.peers.length,
      timeoutMs: cmd.timeoutMs,
      onRequest: (p) => {
        fetched++;
        out('requested', `${labels.of(p)} fetched ${id}`, { peer: labels.of(p), txid: id });
      },
    });
    out('sent', `sent ${id} to ${pool.peers().length} peer(s)`, { txid: id, peers: pool.peers().length });
    const result = await Promise.race([sending, ending.code.then(() => undefined)]);
    if (result === undefined) {
      sending.catch(() => undefined); // its timer runs out after the command (the process exits at once: process.ts)
      return await ending.code;
    }
    for (const r of result.rejects) out('rejected', `${r.peer} rejected it: ${r.reason}`, { peer: r.peer, code: r.code, reason: r.reason });
    return 0;
  } catch (e) {
    if (!(e instanceof BroadcastError)) throw e;
    for (const r of e.rejects) out('rejected', `${r.peer} rejected it: ${r.reason}`, { peer: r.peer, code: r.code, reason: r.reason });
    io.err(`rxbtc: ${e.message}`);
    return 1;
  } finally {
    ending.dispose();
    told.unsubscribe();
    labels.stop();
    await pool.close();
  }
}
