import {
  FilterIndex,
  MruSet,
  ServiceFlag,
  blockHash,
  bytesEqual,
  chainParams,
  createHeaderChain,
  createPeer,
  genesisBlock,
  listenTcp,
  networks,
  serveCompactFilters,
  serveHeaders,
  type Block,
  type FilterSource,
  type Listener,
  type Peer,
} from '../../lib/index.js';

const network = networks.regtest;

/** rxbtc's own BIP157/158 server on a chain of blocks a test hands it (see {@link startFilterServer}). */
export interface FilterServer {
  /** Its port on 127.0.0.1. */
  readonly port: number;
  /** Its best chain, genesis first. */
  readonly blocks: readonly Block[];
  /** `getcfilters` asked of it, as [start, stop] heights. */
  readonly getcfilters: [number, number][];
  /** Make `chain` (genesis first) its best chain: blocks after the last one they share are replaced, new ones announced. */
  follow(chain: readonly Block[]): Promise<void>;
  /** Drop every peer and stop listening. */
  close(): Promise<void>;
}

/**
 * rxbtc's `serveHeaders` and `serveCompactFilters` on 127.0.0.1 over the
 * blocks a test gives it (real ones copied from bcoin, or synthetic),
 * counting the `getcfilters` it is asked.
 */
export async function startFilterServer(): Promise<FilterServer> {
  const blocks: Block[] = [genesisBlock(chainParams(network))];
  const chain = createHeaderChain({ network });
  let index = new FilterIndex();
  index.add(blocks[0]!);
  const source: FilterSource = { record: (h) => index.record(h), block: (h) => index.block(h) };
  const peers = new Set<Peer>();
  const getcfilters: [number, number][] = [];
  const listener: Listener = await listenTcp({ host: '127.0.0.1', port: 0 });
  listener.connections$.subscribe((c) => {
    const peer = createPeer(c, {
      network,
      inbound: true,
      services: ServiceFlag.Network | ServiceFlag.CompactFilters,
      sentNonces: new MruSet(50),
      newestBlock: () => ({ hash: chain.tip.hash, height: chain.height }),
    });
    peer.handshake.catch(() => undefined);
    peers.add(peer);
    void peer.closed.then(() => peers.delete(peer));
    serveHeaders(peer, chain);
    serveCompactFilters(peer, source);
    peer.on('getcfilters').subscribe((m) => getcfilters.push([m.startHeight, index.record(m.stopHash)?.height ?? -1]));
  });
  return {
    port: listener.port,
    blocks,
    getcfilters,
    follow: async (next) => {
      let fork = Math.min(blocks.length, next.length) - 1;
      while (fork > 0 && !bytesEqual(blockHash(blocks[fork]!.header), blockHash(next[fork]!.header))) fork--;
      if (fork < blocks.length - 1) {
        blocks.length = fork + 1;
        index = new FilterIndex();
        for (const b of blocks) index.add(b);
      }
      const fresh = next.slice(fork + 1);
      for (const b of fresh) index.add(b); // filters first: a header is served only once its filter can be
      blocks.push(...fresh);
      await chain.add(fresh.map((b) => b.header));
    },
    close: async () => {
      const all = [...peers];
      for (const p of all) p.disconnect('closing');
      await Promise.all(all.map((p) => p.closed));
      await listener.close();
    },
  };
}
