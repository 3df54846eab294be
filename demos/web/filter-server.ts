import {
  ByteReader,
  FilterIndex,
  MruSet,
  ServiceFlag,
  createHeaderChain,
  createPeer,
  listenTcp,
  networks,
  readBlock,
  serveCompactBlocks,
  serveCompactFilters,
  serveHeaders,
  type Block,
  type Listener,
  type Peer,
} from '../../lib/index.js';
import { Subject } from 'rxjs';
import type { RegtestNode } from '../regtest-node.js';

/** A running {@link startFilterServer}. */
export interface FilterServer {
  /** Its P2P port on 127.0.0.1. */
  readonly port: number;
  /** Its best height. */
  readonly height: number;
  /** Stop following, close every peer and the listener. */
  close(): Promise<void>;
}

/** How often the server looks for a new block on the node, ms. */
const FOLLOW_MS = 100;

/**
 * An rxbtc node that serves what bcoin 1.0.2 does not: BIP157/158 compact
 * filters, over BIP324 v2 (or v1: inbound transport is detected). It reads
 * every block from the embedded bcoin node (in process: it is a demo of
 * the serving side, not a relay), builds the filters with `FilterIndex`,
 * keeps a verified `HeaderChain`, and answers each inbound peer with
 * `serveHeaders`, `serveCompactFilters` (which also serves the blocks) and
 * `serveCompactBlocks` (BIP152: new blocks pushed as `cmpctblock` to
 * high-bandwidth peers, `getblocktxn` answered).
 * New blocks reach the index before the chain, so a tip is announced only
 * once its filter can be served.
 */
export async function startFilterServer(regtest: RegtestNode): Promise<FilterServer> {
  const network = networks.regtest;
  const chain = createHeaderChain({ network });
  const index = new FilterIndex();
  const tips$ = new Subject<Block>();
  const follow = async (): Promise<void> => {
    while (index.height < regtest.height) {
      const block = readBlock(new ByteReader(await regtest.rawBlock(index.height + 1)));
      index.add(block);
      if (index.height > 0) await chain.add([block.header]);
      tips$.next(block);
    }
  };
  await follow();
  let following = false;
  const timer = setInterval(() => {
    if (following) return;
    following = true;
    void follow().finally(() => (following = false));
  }, FOLLOW_MS);

  const listener: Listener = await listenTcp({ host: '127.0.0.1', port: 0 });
  const peers = new Set<Peer>();
  listener.connections$.subscribe((connection) => {
    const peer = createPeer(connection, {
      network,
      inbound: true,
      services: ServiceFlag.Network | ServiceFlag.Witness | ServiceFlag.CompactFilters | ServiceFlag.P2PV2,
      userAgent: { name: 'rxbtc-filter-server', version: '0.1.0' },
      newestBlock: () => ({ hash: chain.tip.hash, height: chain.height }),
      sentNonces: new MruSet(50), // its own node: the dashboard's tests dial it from this process
    });
    serveHeaders(peer, chain);
    serveCompactFilters(peer, index);
    serveCompactBlocks(peer, { block: (h) => index.block(h) }, tips$);
    peers.add(peer);
    void peer.closed.then(() => peers.delete(peer));
    peer.handshake.catch(() => undefined);
  });
  return {
    port: listener.port,
    get height() {
      return chain.height;
    },
    async close() {
      clearInterval(timer);
      for (const p of peers) p.disconnect('shutting down');
      await listener.close();
    },
  };
}
