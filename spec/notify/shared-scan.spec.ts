import { randomBytes } from 'node:crypto';
import { Subscription, filter, firstValueFrom, take } from 'rxjs';
import {
  MruSet,
  blockHash,
  chainParams,
  connectTcp,
  createHeaderChain,
  createPeer,
  genesisBlock,
  hashToHex,
  networks,
  syncHeaders,
  txid,
  type Block,
  type HeaderChain,
  type Peer,
} from '../../lib/index.js';
import { createChainNotifier, type ChainNotifier } from '../../lib/notify/chain-notifier.js';
import type { BlockEpoch, ConfirmationEvent } from '../../lib/notify/notify-events.js';
import { eventually } from '../helpers/loopback.js';
import { syntheticBlocks } from '../helpers/synthetic-blocks.js';
import { startFilterServer, type FilterServer } from './filter-server.js';

/**
 * Many registrations, one scan: the chain notifier against rxbtc's own BIP157 server on 2,500 synthetic regtest
 * blocks whose coinbases pay the scripts a test registers; the server counts the filters it is asked for.
 */
const network = networks.regtest;
const within = 30_000;
const TIP = 2500;
const GENESIS = genesisBlock(chainParams(network));

/** A script for each paid height (one in every two heights from 2). */
const scripts = new Map<number, Uint8Array>();
for (let h = 2; h <= TIP; h += 2) scripts.set(h, Uint8Array.from([0x00, 0x14, ...randomBytes(20)]));
const blocks: Block[] = [
  GENESIS,
  ...syntheticBlocks({ block: GENESIS, height: 0 }, TIP, (h) =>
    scripts.has(h) ? [{ script: scripts.get(h)!, value: 5_000_000_000n }] : [],
  ),
];
const coinbase = (h: number): string => hashToHex(txid(blocks[h]!.transactions[0]!));

let server: FilterServer;
let peer: Peer;
let chain: HeaderChain;
let notifier: ChainNotifier;
let subs: Subscription;
beforeEach(async () => {
  server = await startFilterServer();
  await server.follow(blocks);
  peer = createPeer(await connectTcp({ host: '127.0.0.1', port: server.port }), { network, sentNonces: new MruSet(50) });
  chain = createHeaderChain({ network });
  subs = new Subscription();
  subs.add(syncHeaders(peer, chain).subscribe({ error: () => undefined }));
  await eventually(() => chain.height === TIP, within);
  notifier = createChainNotifier({ chain, source: peer, syncChain: false });
});
afterEach(async () => {
  subs.unsubscribe();
  peer.disconnect();
  await server.close();
});

/** How many times each height's filter was asked for. */
function askedPerHeight(): Map<number, number> {
  const asked = new Map<number, number>();
  for (const [from, to] of server.getcfilters) for (let h = from; h <= to; h++) asked.set(h, (asked.get(h) ?? 0) + 1);
  return asked;
}

const confirmed = (h: number, hint: number): Promise<ConfirmationEvent> =>
  firstValueFrom(notifier.confirmations({ txid: coinbase(h), script: scripts.get(h)!, heightHint: hint }));

it('1,000 registrations with different height hints cost one pass over the filters, from the lowest hint', async () => {
  const heights = [...scripts.keys()].filter((h) => h >= 500).slice(0, 1000);
  const hints = heights.map((h, i) => h - 1 - (i % 400)); // lowest: 500 - 1 - 0; others spread below their blocks
  const found = await Promise.all(heights.map((h, i) => confirmed(h, hints[i]!)));
  expect(found.map((e) => e.type === 'confirmation' && e.height)).toEqual(heights);
  const low = Math.min(...hints);
  const asked = askedPerHeight();
  // Every filter from the lowest hint to the tip asked for exactly once; none below it.
  expect([...asked.keys()].sort((x, y) => x - y)).toEqual(Array.from({ length: TIP - low + 1 }, (_, i) => low + i));
  expect([...asked.values()].every((n) => n === 1)).toBe(true);
});

it('a registration made while a pass runs joins it: only the filters matched before it joined are asked for again', async () => {
  const late: ConfirmationEvent[] = [];
  const first = confirmed(2400, 1);
  // The first filter of the pass has arrived (and was matched): the next registration joins the running pass.
  await firstValueFrom(peer.on('cfilter').pipe(take(1)));
  subs.add(notifier.confirmations({ txid: coinbase(2000), script: scripts.get(2000)!, heightHint: 1 }).subscribe((e) => late.push(e)));
  expect(await first).toMatchObject({ height: 2400, confirmations: 1 });
  await eventually(() => late.length === 1, within);
  expect(late[0]).toMatchObject({ height: 2000, confirmations: 1 });
  await eventually(() => server.getcfilters.length > 0 && Math.max(...askedPerHeight().values()) >= 1, within);
  const asked = askedPerHeight();
  const twice = [...asked].filter(([, n]) => n > 1).map(([h]) => h);
  // Asked again: a prefix of the pass (what was matched when it joined), far less than the whole chain.
  expect(twice.length).toBeLessThan(TIP / 2);
  expect(twice.every((h, i) => h === i + 1)).toBe(true);
  expect([...asked.values()].every((n) => n <= 2)).toBe(true);
});

it('unsubscribing cancels: the block of a cancelled registration is never fetched, the others go on', async () => {
  const fetched: string[] = [];
  subs.add(peer.on('block').subscribe((m) => fetched.push(hashToHex(txid(m.block.transactions[0]!)))));
  const cancelled = notifier.confirmations({ txid: coinbase(1800), script: scripts.get(1800)!, heightHint: 1 }).subscribe();
  const kept = confirmed(2200, 1);
  cancelled.unsubscribe();
  expect(await kept).toMatchObject({ height: 2200 });
  expect(fetched).toEqual([coinbase(2200)]);
});

it('blocks$ tells the tip, each new block, and the blocks a reorganisation takes away before the new branch', async () => {
  const epochs: BlockEpoch[] = [];
  subs.add(notifier.blocks$.subscribe((e) => epochs.push(e)));
  const more = syntheticBlocks({ block: blocks.at(-1)!, height: TIP }, 2);
  await server.follow([...blocks, ...more]);
  await eventually(() => epochs.length === 3, within);
  const branch = syntheticBlocks({ block: blocks.at(-1)!, height: TIP }, 3, () => [], 7);
  await server.follow([...blocks, ...branch]);
  await eventually(() => epochs.length === 7, within);
  const brief = epochs.map((e) =>
    e.type === 'block' ? `block ${e.height}` : `reorged ${e.forkHeight}: ${e.disconnected.map((d) => d.height).join(',')}`,
  );
  expect(brief).toEqual([
    `block ${TIP}`,
    `block ${TIP + 1}`,
    `block ${TIP + 2}`,
    `reorged ${TIP}: ${TIP + 1},${TIP + 2}`,
    `block ${TIP + 1}`,
    `block ${TIP + 2}`,
    `block ${TIP + 3}`,
  ]);
  const last = epochs.at(-1)!;
  expect(last.type === 'block' && last.hash).toBe(hashToHex(blockHash(branch[2]!.header)));
});

it('a reorganisation that takes a transaction away for good: reorged, then nothing (its confirmations no longer count)', async () => {
  const events: ConfirmationEvent[] = [];
  subs.add(
    notifier
      .confirmations({ txid: coinbase(2498), script: scripts.get(2498)!, depth: 4, heightHint: 2490 })
      .subscribe((e) => events.push(e)),
  );
  await eventually(() => events.length === 3, within);
  // A branch from 2497 that holds the same coinbase one block later is impossible (a coinbase names its height):
  // the branch pays the script at 2499 instead, with another transaction, which is not this one.
  const branch = syntheticBlocks({ block: blocks[2496]!, height: 2496 }, 6, () => [], 3);
  await server.follow([...blocks.slice(0, 2497), ...branch]);
  await eventually(() => events.some((e) => e.type === 'reorged'), within);
  expect(events.map((e) => (e.type === 'confirmation' ? e.confirmations : e.type))).toEqual([1, 2, 3, 'reorged']);
  await firstValueFrom(notifier.blocks$.pipe(filter((e) => e.type === 'block' && e.height === 2502)));
  expect(events).toHaveLength(4);
});
