import { ByteReader, blockHash, hashToHex, readBlock, type Block } from '../../lib/index.js';
import type { RegtestNode } from '../../demos/regtest-node.js';
import { startFilterServer, type FilterServer } from './filter-server.js';

/** A {@link FilterServer} that copies a bcoin node's best chain (see {@link startFilterMirror}). */
export interface FilterMirror extends FilterServer {
  /** Its best height. */
  readonly height: number;
  /** Resolve once it holds bcoin's best chain (blocks, filters, headers), announced to its peers. */
  synced(): Promise<void>;
}

/**
 * rxbtc's own BIP157/158 server in front of a bcoin regtest node: it copies
 * bcoin's best chain when asked (a reorganisation too: the filters are
 * rebuilt from the fork). No BIP157 server runs here otherwise; the
 * transactions in it are bcoin's, with real inputs and outputs.
 */
export async function startFilterMirror(node: RegtestNode): Promise<FilterMirror> {
  const server = await startFilterServer();
  const hashAt = async (h: number): Promise<string> => hashToHex(await node.blockHash(h));
  const tipHash = (): string => hashToHex(blockHash(server.blocks.at(-1)!.header));
  const copy = async (): Promise<void> => {
    const top = node.height;
    let fork = Math.min(server.blocks.length - 1, top);
    while (fork > 0 && hashToHex(blockHash(server.blocks[fork]!.header)) !== (await hashAt(fork))) fork--;
    const chain: Block[] = server.blocks.slice(0, fork + 1);
    for (let h = fork + 1; h <= top; h++) chain.push(readBlock(new ByteReader(await node.rawBlock(h))));
    await server.follow(chain);
  };
  let queue: Promise<void> = Promise.resolve();
  const synced = async (): Promise<void> => {
    while (server.blocks.length - 1 !== node.height || tipHash() !== (await hashAt(node.height))) {
      queue = queue.then(copy);
      await queue;
    }
  };
  await synced();
  return {
    ...server,
    get port() {
      return server.port;
    },
    get blocks() {
      return server.blocks;
    },
    get height() {
      return server.blocks.length - 1;
    },
    synced,
  };
}
