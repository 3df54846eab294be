/**
 * The recovery bench's BIP157 server, in its own process so the recovering
 * process is measured alone: rxbtc's own `serveHeaders` and
 * `serveCompactFilters` over the synthetic wallet chain (wallet-chain.ts),
 * blocks and filters rebuilt from the height on demand.
 *
 * argv: CACHE_FILE. IPC: sends `{ type: 'ready', port, checkpoint, minimum }`
 * (the checkpoint's hash, the least bytes a recovery can receive over v1
 * and over v2), then `{ type: 'closed', bytesSent, transport }` for each
 * connection that ends.
 */
import {
  MruSet,
  ServiceFlag,
  basicFilter,
  createHeaderChain,
  createPeer,
  listenTcp,
  networks,
  serveCompactFilters,
  serveHeaders,
  type Block,
  type FilterRecord,
  type FilterSource,
} from '../../lib/index.js';
import { BIRTHDAY, CHAIN_LENGTH, CHECKPOINT_HEIGHT, PAYMENT_HEIGHTS, RECORD, blockSize, coinbaseAt, walletChain } from './wallet-chain.js';

/** Messages to the bench. */
export type FromFilterServer =
  | { type: 'ready'; port: number; checkpoint: string; minimum: Record<'v1' | 'v2', MinimumBytes> }
  | { type: 'closed'; bytesSent: number; transport: 'v1' | 'v2' };

/**
 * The least a recovery from the checkpoint receives, by kind: payloads with
 * their framing (v1: a 24-byte header; v2: 3 bytes of length, 1 of short
 * command id, 16 of tag).
 */
export interface MinimumBytes {
  headers: number;
  filterHeaders: number;
  filters: number;
  blocks: number;
}

const network = networks.regtest;
const bytes = walletChain(process.argv[2]!);
const at = (h: number, from: number, n: number): Buffer => bytes.subarray(h * RECORD + from, h * RECORD + from + n);
const chain = createHeaderChain({ network });
for (let h = 1; h <= CHAIN_LENGTH; h += 2000) {
  const batch: Uint8Array[] = [];
  for (let k = h; k < h + 2000 && k <= CHAIN_LENGTH; k++) batch.push(at(k, 0, 80));
  await chain.add(batch);
}

const blockAt = (h: number): Block => ({ header: chain.header(h)!.header, transactions: [coinbaseAt(h)] });
const filterAt = (h: number): Uint8Array => basicFilter(blockAt(h), []).encoded;
const source: FilterSource = {
  record(heightOrHash) {
    const h = typeof heightOrHash === 'number' ? heightOrHash : chain.header(heightOrHash)?.height;
    if (h === undefined || h < 1 || h > CHAIN_LENGTH || !chain.isBest(chain.header(h)!.hash)) return undefined;
    const record: FilterRecord = {
      height: h,
      blockHash: chain.header(h)!.hash,
      get filter() {
        return filterAt(h);
      },
      filterHash: at(h, 80, 32),
      header: at(h, 112, 32),
    };
    return record;
  },
  block(hash) {
    const e = chain.header(hash);
    return e ? blockAt(e.height) : undefined;
  },
};

const varint = (n: number): number => (n < 0xfd ? 1 : n <= 0xffff ? 3 : 5);
const span = CHAIN_LENGTH - CHECKPOINT_HEIGHT;
let filterPayloads = 0;
for (let h = BIRTHDAY; h <= CHAIN_LENGTH; h++) {
  const f = filterAt(h).length;
  filterPayloads += 1 + 32 + varint(f) + f;
}
const filterCount = CHAIN_LENGTH - BIRTHDAY + 1;
const leastWith = (frame: number): MinimumBytes => ({
  headers: frame + 1 + 81 + span * 81 + Math.ceil(span / 2000) * (frame + 3),
  filterHeaders: span * 32 + Math.ceil(span / 2000) * (frame + 1 + 32 + 32 + 3),
  filters: filterPayloads + filterCount * frame,
  blocks: PAYMENT_HEIGHTS.reduce((sum, h) => sum + frame + blockSize(h), 0),
});
const minimum = { v1: leastWith(24), v2: leastWith(3 + 1 + 16) };

const send = (m: FromFilterServer): void => void process.send?.(m);
const listener = await listenTcp({ host: '127.0.0.1', port: 0 });
listener.connections$.subscribe((c) => {
  const peer = createPeer(c, {
    network,
    inbound: true,
    services: ServiceFlag.Network | ServiceFlag.CompactFilters,
    sentNonces: new MruSet<bigint>(50),
    newestBlock: () => ({ hash: chain.tip.hash, height: chain.height }),
    userAgent: { name: 'recovery-bench', version: '1.0' },
  });
  peer.handshake.catch(() => undefined);
  serveHeaders(peer, chain);
  serveCompactFilters(peer, source);
  void peer.closed.then(() => send({ type: 'closed', bytesSent: peer.stats().bytesSent, transport: peer.stats().transport }));
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', port: listener.port, checkpoint: chain.header(CHECKPOINT_HEIGHT)!.hashHex, minimum });
