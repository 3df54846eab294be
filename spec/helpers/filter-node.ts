import {
  FilterIndex,
  InvType,
  MruSet,
  ServiceFlag,
  chainParams,
  createHeaderChain,
  genesisBlock,
  createPeer,
  hashToHex,
  listenTcp,
  networks,
  serveCompactFilters,
  serveCompactBlocks,
  serveHeaders,
  txid,
  type Block,
  type Connection,
  type FilterSource,
  type HeaderChain,
  type Listener,
  type Peer,
  type Transaction,
} from '../../lib/index.js';
import { Subject } from 'rxjs';
import { syntheticBlocks, type Payment } from './synthetic-blocks.js';

const network = networks.regtest;

/** The regtest genesis block (its coinbase is needed for the filter index). */
const GENESIS_BLOCK = genesisBlock(chainParams(network));

/** What a block holds after its coinbase, by height (see {@link FilterNode.mine}). */
export interface BlockTxs {
  /** Transactions after the coinbase; each must spend outputs of the node's best chain. @default none */
  txs?: (height: number) => readonly Transaction[];
}

/** How {@link FilterNode.reorg} replaces blocks. */
export interface ReorgOptions extends BlockTxs {
  /** Keep every peer connected and announce the new tip to it, as a node does (by default every peer is dropped). */
  keepPeers?: boolean;
}

/** Options of {@link startFilterNode}. */
export interface FilterNodeOptions {
  /** Heights whose filter it lies about: an empty filter its own filter headers do not commit to (a liar's). @default none */
  lie?: (height: number) => boolean;
}

/** A synthetic regtest node serving BIP157/158 (see {@link startFilterNode}). */
export interface FilterNode {
  /** Its port on 127.0.0.1. */
  readonly port: number;
  /** Its best chain's height. */
  readonly height: number;
  /** Its best chain's blocks, genesis first. */
  readonly blocks: readonly Block[];
  /** Mine `n` blocks on the tip; `pays(height)` says what each one's coinbase pays, `options.txs` what follows it. */
  mine(n: number, pays?: (height: number) => readonly Payment[], options?: BlockTxs): Promise<void>;
  /**
   * Replace the blocks above `fork` by `n` others (a different branch, more work when n > tip − fork), and drop every
   * peer (unless `options.keepPeers`).
   */
  reorg(fork: number, n: number, pays?: (height: number) => readonly Payment[], options?: ReorgOptions): Promise<void>;
  /** Announce a transaction to every peer connected now (`inv`), and send it to whoever asks (`getdata`). */
  relay(tx: Transaction): void;
  /** `getcfheaders` start heights asked since it started. */
  readonly cfheadersFrom: number[];
  /** `getcfilters` asked since it started: the heights from and to (undefined for a stop block it does not hold). */
  readonly cfiltersAsked: { from: number; to: number | undefined }[];
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
export async function startFilterNode(options: FilterNodeOptions = {}): Promise<FilterNode> {
  const blocks: Block[] = [GENESIS_BLOCK];
  let chain: HeaderChain = createHeaderChain({ network });
  let index = new FilterIndex();
  index.add(GENESIS_BLOCK);
  let salt = 0;
  const peers = new Set<Peer>();
  const cfheadersFrom: number[] = [];
  const cfiltersAsked: { from: number; to: number | undefined }[] = [];
  const mempool = new Map<string, Transaction>();
  const tips$ = new Subject<Block>();
  // Whatever index is current (a reorganisation that keeps its peers replaces it under them).
  const served: FilterSource = { record: (at) => index.record(at), block: (hash) => index.block(hash) };
  const indexed = (b: Block): void => {
    const r = index.add(b);
    if (options.lie?.(r.height)) index.tamper(r.height, new Uint8Array([0]));
  };
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
    serveCompactFilters(peer, served);
    serveCompactBlocks(peer, served, tips$);
    peer.on('getcfheaders').subscribe((m) => cfheadersFrom.push(m.startHeight));
    peer.on('getcfilters').subscribe((m) => cfiltersAsked.push({ from: m.startHeight, to: index.record(m.stopHash)?.height }));
    peer.on('getdata').subscribe((m) => {
      for (const item of m.items) {
        const tx = (item.type & 0xffff) === InvType.Tx ? mempool.get(hashToHex(item.hash)) : undefined;
        if (tx) peer.queue({ command: 'tx', tx });
      }
    });
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
    for (const b of more) indexed(b); // filters first: a tip is announced only once its filter can be served
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
    cfiltersAsked,
    mine: (n, pays, more) => extend(syntheticBlocks({ block: blocks.at(-1)!, height: blocks.length - 1 }, n, pays, salt, more?.txs)),
    reorg: async (fork, n, pays, how) => {
      salt++;
      const branch = syntheticBlocks({ block: blocks[fork]!, height: fork }, n, pays, salt, how?.txs);
      blocks.length = fork + 1;
      index = new FilterIndex();
      for (const b of blocks) indexed(b);
      if (how?.keepPeers) {
        // The header chain keeps the old branch beside the new one, and reorganises once the new one has more work.
        for (const b of branch) indexed(b);
        blocks.push(...branch);
        await chain.add(branch.map((b) => b.header));
        if (branch.length > 0) tips$.next(branch.at(-1)!);
        return;
      }
      chain = createHeaderChain({ network });
      await chain.add(blocks.slice(1).map((b) => b.header));
      for (const p of peers) p.disconnect('reorganised');
      await extend(branch);
    },
    relay: (tx) => {
      const hash = txid(tx);
      mempool.set(hashToHex(hash), tx);
      for (const p of peers) if (p.connected) p.queue({ command: 'inv', items: [{ type: InvType.Tx, hash }] });
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
