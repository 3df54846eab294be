import {
  ByteReader,
  FilterIndex,
  MruSet,
  ServiceFlag,
  blockHash,
  createHeaderChain,
  createPeer,
  hashToHex,
  listenTcp,
  networks,
  readBlock,
  serveCompactFilters,
  serveHeaders,
  type Block,
  type FilterRecord,
  type FilterSource,
  type Listener,
  type Peer,
} from '../../lib/index.js';
import type { RegtestNode } from '../../demos/regtest-node.js';

const network = networks.regtest;

/** The project's own BIP157 server (see {@link startFilterMirror}). */
export interface FilterMirror {
  /** Its port on 127.0.0.1. */
  readonly port: number;
  /** Its best height. */
  readonly height: number;
  /** `getcfilters` asked of it, as [start, stop] heights. */
  readonly getcfilters: [number, number][];
  /** Resolve once it holds bcoin's best chain (blocks, filters, headers), announced to its peers. */
  synced(): Promise<void>;
  /** Drop every peer and stop listening. */
  close(): Promise<void>;
}

/**
 * rxbtc's own BIP157/158 server on 127.0.0.1 in front of a bcoin regtest
 * node: it copies bcoin's best chain as it grows and reorganises (the
 * filters rebuilt from the fork), and serves headers, filters and blocks
 * with rxbtc's `serveHeaders` and `serveCompactFilters`. No BIP157 server
 * runs here otherwise; the transactions in it are bcoin's.
 */
export async function startFilterMirror(node: RegtestNode): Promise<FilterMirror> {
  const blocks: Block[] = [];
  const chain = createHeaderChain({ network });
  let index = new FilterIndex();
  const source: FilterSource = {
    record: (h) => index.record(h),
    block: (h) => index.block(h),
  };
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
    peer.on('getcfilters').subscribe((m) => {
      const stop: FilterRecord | undefined = index.record(m.stopHash);
      getcfilters.push([m.startHeight, stop?.height ?? -1]);
    });
  });
  const hashAt = async (h: number): Promise<string> => hashToHex(await node.blockHash(h));
  const copy = async (): Promise<void> => {
    const top = node.height;
    let fork = Math.min(blocks.length - 1, top);
    while (fork >= 0 && hashToHex(blockHash(blocks[fork]!.header)) !== (await hashAt(fork))) fork--;
    const fresh: Block[] = [];
    for (let h = fork + 1; h <= top; h++) fresh.push(readBlock(new ByteReader(await node.rawBlock(h))));
    if (fork < blocks.length - 1) {
      blocks.length = fork + 1;
      index = new FilterIndex();
      for (const b of blocks) index.add(b);
    }
    for (const b of fresh) index.add(b); // filters first: a header is served only once its filter can be
    blocks.push(...fresh);
    await chain.add(fresh.filter((b) => blockHash(b.header).some((x) => x !== 0)).map((b) => b.header));
  };
  let queue: Promise<void> = copy();
  const synced = async (): Promise<void> => {
    while (blocks.length - 1 !== node.height || hashToHex(blockHash(blocks.at(-1)!.header)) !== (await hashAt(node.height))) {
      queue = queue.then(copy);
      await queue;
    }
  };
  await synced();
  return {
    port: listener.port,
    get height() {
      return blocks.length - 1;
    },
    getcfilters,
    synced,
    close: async () => {
      const all = [...peers];
      for (const p of all) p.disconnect('closing');
      await Promise.all(all.map((p) => p.closed));
      await listener.close();
    },
  };
}
