import { compactBlocks, type CompactBlockEvent } from '../relay/compact-blocks.js';
import { mempool } from '../relay/mempool.js';
import type { Network } from '../wire/networks.js';
import { cliPool, type PoolArguments } from './cli-pool.js';
import { commandEnd } from './command-end.js';
import type { CliIO } from './io.js';
import { eventWriter, type EventWriter } from './output.js';
import { peerLabels } from './peer-labels.js';
import { tellPeers } from './peer-lines.js';

/** Options of {@link runFollow}. */
export interface FollowCommand {
  /** Peers to follow, kept through a pool (each redialled when it goes away). */
  peers: { host: string; port: number }[];
  /** The mempool view's budget, bytes. */
  mempoolBytes: number | undefined;
  /** Network. */
  network: Network;
  /** JSON lines. */
  json: boolean;
}

/** A `block` line: how a block was rebuilt and what it cost. */
function tellBlock(out: EventWriter, e: CompactBlockEvent, mempoolSize: number, peer: string | undefined): void {
  const txCount = e.block.transactions.length;
  const how =
    e.via === 'compact'
      ? `${e.fromMempool} from the mempool, ${e.prefilled} prefilled, ${e.requested} requested`
      : `full block${e.fallback ? ` (compact block failed: ${e.fallback})` : ''}`;
  out('block', `block ${e.height ?? '?'} ${e.hash}: ${txCount} txs, ${how}, ${e.bytes} bytes received`, {
    hash: e.hash,
    ...(e.height === undefined ? {} : { height: e.height }),
    txs: txCount,
    via: e.via,
    fromMempool: e.fromMempool,
    prefilled: e.prefilled,
    requested: e.requested,
    bytes: e.bytes,
    ...(e.fallback ? { fallback: e.fallback } : {}),
    mempool: mempoolSize,
    peer,
  });
}

/**
 * `rxbtc follow HOST[:PORT]...`: print every new transaction the peers
 * relay (a `tx` line, kept in a bounded mempool view) and every new block
 * (a `block` line with how it was rebuilt: from the mempool, prefilled,
 * asked for with `getblocktxn`, the bytes it cost, and the size of the full
 * block), through BIP152 compact blocks where the peers offer them. The
 * peers are kept through a pool: one that goes away is redialled, and with
 * none left it waits (`disconnected`, `waiting`, `connected` lines). Runs
 * until Ctrl-C (exit 0), or until no named peer could ever serve it (each
 * banned or on another network: exit 1).
 */
export async function runFollow(cmd: FollowCommand, io: CliIO): Promise<number> {
  const out = eventWriter(io, cmd.json);
  const args: PoolArguments = { peers: cmd.peers, dnsSeed: false, network: cmd.network };
  const pool = cliPool(args);
  const told = tellPeers(pool, args, out);
  const ending = commandEnd(io, pool, args, (why) => io.err(`rxbtc: no peer can be followed: ${why}`));
  const labels = peerLabels(pool);
  // BIP35: start with what the peers hold already (asked only of those that advertise NODE_BLOOM), each peer as it joins.
  const view = mempool(pool, { askMempool: true, ...(cmd.mempoolBytes === undefined ? {} : { maxBytes: cmd.mempoolBytes }) });
  const txs = view.events$.subscribe((e) => {
    if (e.type !== 'added') return;
    out('tx', `tx ${e.txid} ${e.bytes} bytes from ${labels.of(e.peer)}`, {
      txid: e.txid,
      wtxid: e.wtxid,
      bytes: e.bytes,
      peer: labels.of(e.peer),
    });
  });
  const blocks = compactBlocks(pool, view).subscribe({
    next: (e) => tellBlock(out, e, view.size, labels.of(e.peer)),
    error: (e: unknown) => {
      io.err(`rxbtc: ${e instanceof Error ? e.message : String(e)}`);
      ending.end(1);
    },
  });
  try {
    return await ending.code;
  } finally {
    ending.dispose();
    told.unsubscribe();
    txs.unsubscribe();
    blocks.unsubscribe();
    labels.stop();
    await pool.close();
  }
}
