import {
  FilterIndex,
  MruSet,
  ServiceFlag,
  chainParams,
  createHeaderChain,
  genesisBlock,
  createPeer,
  listenTcp,
  networks,
  serveCompactFilters,
  serveCompactBlocks,
  serveHeaders,
  type Block,
  type Connection,
  type HeaderChain,
  type Listener,
  type Peer,
} from '../../lib/index.js';
import { Subject } from 'rxjs';
import { syntheticBlocks, type Payment } from './synthetic-blocks.js';

const network = networks.regtest;

/** The regtest genesis block (its coinbase is needed for the filter index). */
const GENESIS_BLOCK = genesisBlock(chainParams(network));

/** A synthetic regtest node serving BIP157/158 (see {@link startFilterNode}). */
export interface FilterNode {
  /** Its port on 127.0.0.1. */
  readonly port: number;
  /** Its best chain's height. */
  readonly height: number;
  /** Its best chain's blocks, genesis first. */
  readonly blocks: readonly Block[];
  /** Mine `n` blocks on the tip; `pays(height)` says what each pays. */
  mine(n: number, pays?: (height: number) => readonly Payment[]): Promise<void>;
  /** Replace the blocks above `fork` by `n` others (a different branch, more work when n > tip − fork), and drop every peer. */
  reorg(fork: number, n: number, pays?: (height: number) => readonly Payment[]): Promise<void>;
  /** `getcfheaders` start heights asked since it started. */
  readonly cfheadersFrom: number[];
  /** Go away as a node that stops does: drop every peer and stop listening (connections to the port are refused). */
  stop(): Promise<void>;
  /** Come back after {@link FilterNode.stop}: listen on the same port again, with the same chain. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The project's own BIP157 server over loopback, on synthetic blocks whose
 * coinbases pay whom a test says: headers (`serveHeaders`), filters and
 * blocks (`serveCompactFilters` over a `FilterIndex`), compact blocks
 * (`serveCompactBlocks`), announcing each new tip. No BIP157 server can run here otherwise.
 */
export async function startFilterNode(): Promise<FilterNode> {
  const blocks: Block[] = [GENESIS_BLOCK];
  let chain: HeaderChain = createHeaderChain({ network });
  let index = new FilterIndex();
  index.add(GENESIS_BLOCK);
  let salt = 0;
  const peers = new Set<Peer>();
  const cfheadersFrom: number[] = [];
  const tips$ = new Subject<Block>();
  const serve = (c: Connection): void => {
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
    serveCompactFilters(peer, index);
    serveCompactBlocks(peer, { block: (h) => index.block(h) }, tips$);
    peer.on('getcfheaders').subscribe((m) => cfheadersFrom.push(m.startHeight));
  };
  const listen = async (port: number): Promise<Listener> => {
    const l = await listenTcp({ host: '127.0.0.1', port });
    l.connections$.subscribe(serve);
    return l;
  };
  let listener: Listener | undefined = await listen(0);
  const port = listener.port;
  const dropAll = async (reason: string): Promise<void> => {
    const all = [...peers];
    for (const p of all) p.disconnect(reason);
    await Promise.all(all.map((p) => p.closed));
  };
  const stopListening = async (): Promise<void> => {
    const l = listener;
    listener = undefined;
    await l?.close();
  };
  const extend = async (more: Block[]): Promise<void> => {
    for (const b of more) index.add(b); // filters first: a tip is announced only once its filter can be served
    blocks.push(...more);
    await chain.add(more.map((b) => b.header));
    if (more.length > 0) tips$.next(more.at(-1)!);
  };
  return {
    port,
    get height() {
      return blocks.length - 1;
    },
    blocks,
    cfheadersFrom,
    mine: (n, pays) => extend(syntheticBlocks({ block: blocks.at(-1)!, height: blocks.length - 1 }, n, pays, salt)),
    reorg: async (fork, n, pays) => {
      salt++;
      const branch = syntheticBlocks({ block: blocks[fork]!, height: fork }, n, pays, salt);
      blocks.length = fork + 1;
      index = new FilterIndex();
      for (const b of blocks) index.add(b);
      chain = createHeaderChain({ network });
      await chain.add(blocks.slice(1).map((b) => b.header));
      for (const p of peers) p.disconnect('reorganised');
      await extend(branch);
    },
    stop: async () => {
      const closing = stopListening(); // refuse new connections first: a peer dropped now cannot come straight back
      await dropAll('stopping');
      await closing;
    },
    restart: async () => {
      listener ??= await listen(port);
    },
    close: async () => {
      const closing = stopListening();
      await dropAll('closing');
      await closing;
    },
  };
}
