import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  MruSet,
  StoreError,
  blockHash,
  connectTcp,
  createHeaderChain,
  createPeer,
  fileFilterHeaderStore,
  fileHeaderStore,
  fileWalletStore,
  hashToHex,
  memoryWalletStore,
  networks,
  txid,
  watch,
  type HeaderChain,
  type Peer,
  type WalletEvent,
  type WalletStore,
  type WatchResume,
} from '../../lib/index.js';
import { startFilterNode, type FilterNode } from '../helpers/filter-node.js';
import { eventually } from '../helpers/loopback.js';

/**
 * watch({ store }) against the project's own BIP157 server on synthetic regtest blocks whose coinbases pay the
 * watched script where a test says: a restart goes on after the last block checked, tells nothing twice, misses
 * nothing, and reports what a reorganisation took away while it was down.
 */
const network = networks.regtest;
const within = 20_000;
const script = (): Uint8Array => Uint8Array.from([0x00, 0x14, ...randomBytes(20)]);

let node: FilterNode;
let dir: string;
beforeEach(async () => {
  node = await startFilterNode();
  dir = mkdtempSync(join(tmpdir(), 'rxbtc-watch-store-'));
});
afterEach(async () => {
  await node.close();
  rmSync(dir, { recursive: true, force: true });
});

const payAt =
  (watched: Uint8Array, heights: number[], value = 1000n) =>
  (h: number) =>
    heights.includes(h) ? [{ script: watched, value: value + BigInt(h) }] : [];
const coinbaseId = (h: number): string => hashToHex(txid(node.blocks[h]!.transactions[0]!));
const brief = (e: WalletEvent): string => `${e.status}@${e.height ?? '-'}:${e.txid.slice(0, 8)}`;

interface Run {
  events: WalletEvent[];
  resume: WatchResume | undefined;
  stop(): Promise<void>;
}

/** One watch, as one process would run it: a chain from its file, the stores, a peer; until `until` is checked. */
async function run(store: WalletStore, scripts: Uint8Array[], until: number, from?: number): Promise<Run> {
  const chain: HeaderChain = createHeaderChain({ network, store: fileHeaderStore(join(dir, 'headers.dat')) });
  const filterHeaders = fileFilterHeaderStore(join(dir, 'filter-headers.dat'));
  const peer: Peer = createPeer(await connectTcp({ host: '127.0.0.1', port: node.port, timeout: within }), {
    network,
    sentNonces: new MruSet(50),
  });
  const out: Run = { events: [], resume: undefined, stop: async () => undefined };
  let scanned = -1;
  const sub = watch({
    chain,
    source: peer,
    scripts,
    store,
    filterHeaders,
    ...(from === undefined ? {} : { from }),
    onScanned: (h) => (scanned = h),
    onResume: (r) => (out.resume = r),
  }).subscribe({ next: (e) => out.events.push(e), error: (e: unknown) => out.events.push({ error: e } as unknown as WalletEvent) });
  await eventually(() => scanned === until && chain.height === until, within);
  out.stop = async () => {
    sub.unsubscribe();
    peer.disconnect();
    await chain.close();
    await filterHeaders.close();
  };
  return out;
}

describe('watch with a wallet store', () => {
  it('a restart goes on after the last block checked: nothing told twice, a payment made while it was down found', async () => {
    const watched = script();
    await node.mine(30, payAt(watched, [10, 20]));
    const store = fileWalletStore(join(dir, 'wallet'));
    const first = await run(store, [watched], 30, 5);
    await first.stop();
    expect(first.events.map(brief)).toEqual([`confirmed@10:${coinbaseId(10).slice(0, 8)}`, `confirmed@20:${coinbaseId(20).slice(0, 8)}`]);
    expect(first.resume).toMatchObject({ from: 5, checked: undefined, events: 0, scripts: 1 });
    await store.close();

    const asked = node.cfheadersFrom.length;
    await node.mine(6, payAt(watched, [33])); // while it is down
    const again = fileWalletStore(join(dir, 'wallet'));
    const second = await run(again, [], 36); // no scripts, no from: the store has both
    await second.stop();
    expect(second.resume).toMatchObject({ from: 31, checked: { height: 30 }, events: 2, scripts: 1, reorged: 0 });
    expect(second.events.map(brief)).toEqual([`confirmed@33:${coinbaseId(33).slice(0, 8)}`]);
    expect(node.cfheadersFrom.slice(asked)).toEqual([31]); // the filter headers, too, went on from where they were
    await again.close();
  });

  it('scripts added on a restart are scanned from their own birthday, the old ones are not told again', async () => {
    const a = script();
    const b = script();
    await node.mine(20, (h) => [...payAt(a, [8, 15])(h), ...payAt(b, [6, 12])(h)]);
    const store = memoryWalletStore();
    const first = await run(store, [a], 20, 1);
    await first.stop();
    expect(first.events.map((e) => e.height)).toEqual([8, 15]);
    const second = await run(store, [b], 20, 10); // b's birthday is 10: its payment at 6 is before it
    await second.stop();
    expect(second.resume).toMatchObject({ from: 10, scripts: 2 });
    expect(second.events.map((e) => e.height)).toEqual([12]);
  });

  it('a block reorganised away while it was down: a reorged event on start-up, then the new confirmations', async () => {
    const watched = script();
    await node.mine(30, payAt(watched, [10, 28]));
    const store = memoryWalletStore();
    const first = await run(store, [watched], 30, 1);
    await first.stop();
    const gone = first.events.find((e) => e.height === 28)!;
    // While the wallet is down: the node reorganises below 28 (paying at 27 instead), and another program (rxbtc
    // headers) brings the same header store to the new chain, so the watch's chain never sees the reorganisation.
    await node.reorg(25, 10, payAt(watched, [27], 5000n));
    const chain = createHeaderChain({ network, store: fileHeaderStore(join(dir, 'headers.dat')) });
    await chain.add(node.blocks.slice(26).map((blk) => blk.header));
    expect(chain.height).toBe(35);
    await chain.close();
    const second = await run(store, [], 35);
    await second.stop();
    // The fork (25) is found through the blocks 1, 2, 4, 8… below the last one checked (30): 22 is the first still there.
    expect(second.resume).toMatchObject({ from: 23, reorged: 1 });
    expect(second.events.map(brief)).toEqual([`reorged@28:${gone.txid.slice(0, 8)}`, `confirmed@27:${coinbaseId(27).slice(0, 8)}`]);
    expect(second.events[0]!.blockHash).toBe(gone.blockHash);
    expect(second.events[1]!.blockHash).toBe(hashToHex(blockHash(node.blocks[27]!.header)));
  });

  it('a reorganisation that the header chain meets on restart (its store still has the old chain): reported as it syncs', async () => {
    const watched = script();
    await node.mine(30, payAt(watched, [28]));
    const store = memoryWalletStore();
    const first = await run(store, [watched], 30, 20);
    await first.stop();
    await node.reorg(25, 10, payAt(watched, [29], 7000n));
    const second = await run(store, [], 35);
    await second.stop();
    expect(second.resume).toMatchObject({ from: 31, reorged: 0 }); // its chain still held block 30 when it started
    expect(second.events.map((e) => `${e.status}@${e.height}`)).toEqual(['reorged@28', 'confirmed@29']);
  });

  it('a store of another network is refused with a StoreError, not reset', async () => {
    const store = memoryWalletStore();
    await store.append([{ type: 'wallet', network: 'testnet4', scripts: ['51'], from: 0 }]);
    await node.mine(2);
    const chain = createHeaderChain({ network });
    const peer = createPeer(await connectTcp({ host: '127.0.0.1', port: node.port }), { network, sentNonces: new MruSet(50) });
    const error = await new Promise<unknown>((resolve) => watch({ chain, source: peer, scripts: [], store }).subscribe({ error: resolve }));
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('mismatch');
    expect(store.load()).toHaveLength(1);
    peer.disconnect();
  });
});
