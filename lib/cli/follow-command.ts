import { MruSet } from '../peer/mru-set.js';
import { connectPeer } from '../peer/connect-peer.js';
import type { Peer } from '../peer/peer-api.js';
import { compactBlocks } from '../relay/compact-blocks.js';
import { mempool } from '../relay/mempool.js';
import type { Network } from '../wire/networks.js';
import { explainError } from './explain-error.js';
import type { CliIO } from './main.js';
import { eventWriter, onInterrupt } from './output.js';

/** Options of {@link runFollow}. */
export interface FollowCommand {
  /** Peers to follow. */
  peers: { host: string; port: number }[];
  /** The mempool view's budget, bytes. */
  mempoolBytes: number | undefined;
  /** Network. */
  network: Network;
  /** JSON lines. */
  json: boolean;
}

/**
 * `rxbtc follow HOST[:PORT]...`: print every new transaction the peers
 * relay (a `tx` line, kept in a bounded mempool view) and every new block
 * (a `block` line with how it was rebuilt: from the mempool, prefilled,
 * asked for with `getblocktxn`, the bytes it cost, and the size of the full
 * block), through BIP152 compact blocks where the peers offer them. Runs
 * until Ctrl-C (exit 0) or until every peer is gone (exit 1).
 */
export async function runFollow(cmd: FollowCommand, io: CliIO): Promise<number> {
  const out = eventWriter(io, cmd.json);
  const peers: Peer[] = [];
  const label = new Map<Peer, string>();
  for (const { host, port } of cmd.peers) {
    try {
      const peer = await connectPeer({ host, port, network: cmd.network, sentNonces: new MruSet(50) });
      const n = await peer.handshake;
      peers.push(peer);
      label.set(peer, `${host}:${port}`);
      out('connected', `connected to ${host}:${port} (${n.remote.userAgent}, height ${n.remote.startHeight})`, {
        peer: `${host}:${port}`,
        userAgent: n.remote.userAgent,
        height: n.remote.startHeight,
      });
    } catch (e) {
      io.err(`${host}:${port}: ${explainError(e, cmd.network)}`);
    }
  }
  if (peers.length === 0) {
    io.err('rxbtc: no peer to follow');
    return 1;
  }
  // BIP35: start with what the peers hold already (asked only of those that advertise NODE_BLOOM).
  const view = mempool(peers, { askMempool: true, ...(cmd.mempoolBytes === undefined ? {} : { maxBytes: cmd.mempoolBytes }) });
  const txs = view.events$.subscribe((e) => {
    if (e.type !== 'added') return;
    out('tx', `tx ${e.txid} ${e.bytes} bytes from ${label.get(e.peer)}`, {
      txid: e.txid,
      wtxid: e.wtxid,
      bytes: e.bytes,
      peer: label.get(e.peer),
    });
  });
  const blocks = compactBlocks(peers, view).subscribe((e) => {
    const txCount = e.block.transactions.length;
    const fields = {
      hash: e.hash,
      ...(e.height === undefined ? {} : { height: e.height }),
      txs: txCount,
      via: e.via,
      fromMempool: e.fromMempool,
      prefilled: e.prefilled,
      requested: e.requested,
      bytes: e.bytes,
      ...(e.fallback ? { fallback: e.fallback } : {}),
      mempool: view.size,
      peer: label.get(e.peer),
    };
    const how =
      e.via === 'compact'
        ? `${e.fromMempool} from the mempool, ${e.prefilled} prefilled, ${e.requested} requested`
        : `full block${e.fallback ? ` (compact block failed: ${e.fallback})` : ''}`;
    out('block', `block ${e.height ?? '?'} ${e.hash}: ${txCount} txs, ${how}, ${e.bytes} bytes received`, fields);
  });
  const stop = onInterrupt(io, () => {
    for (const p of peers) p.disconnect('interrupted');
  });
  const ended = await Promise.all(peers.map((p) => p.closed));
  stop();
  txs.unsubscribe();
  blocks.unsubscribe();
  if (io.signal?.aborted) return 0;
  io.err(`rxbtc: every peer is gone (${ended.map((d) => d.reason).join('; ')})`);
  return 1;
}
