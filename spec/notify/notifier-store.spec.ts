import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subscription } from 'rxjs';
import {
  MruSet,
  StoreError,
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
} from '../../lib/index.js';
import { createChainNotifier, type ChainNotifier } from '../../lib/notify/chain-notifier.js';
import { fileNotifierStore } from '../../lib/notify/file-notifier-store.js';
import type { ConfirmationEvent } from '../../lib/notify/notify-events.js';
import type { NotifierStore } from '../../lib/notify/notifier-store.js';
import { eventually } from '../helpers/loopback.js';
import { syntheticBlocks } from '../helpers/synthetic-blocks.js';
import { startFilterServer, type FilterServer } from './filter-server.js';

/**
 * A notifier with a store (the wallet store's append log) made again after it stopped: it goes on where it was,
 * delivers nothing twice, misses nothing mined meanwhile, and tells what a reorganisation took away while it was down.
 */
const network = networks.regtest;
const within = 20_000;
const GENESIS = genesisBlock(chainParams(network));
const script = Uint8Array.from([0x00, 0x14, ...randomBytes(20)]);
const PAID = 298;
const pays = (h: number): { script: Uint8Array; value: bigint }[] => (h === PAID ? [{ script, value: 5_000_000_000n }] : []);
const blocks: Block[] = [GENESIS, ...syntheticBlocks({ block: GENESIS, height: 0 }, 300, pays)];
const paid = hashToHex(txid(blocks[PAID]!.transactions[0]!));

let server: FilterServer;
let dir: string;
beforeEach(async () => {
  server = await startFilterServer();
  await server.follow(blocks);
  dir = mkdtempSync(join(tmpdir(), 'rxbtc-notifier-store-'));
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One life of a notifier: a fresh chain synced from the server, the store opened from `dir`. */
async function life(): Promise<{ notifier: ChainNotifier; store: NotifierStore; stop(): Promise<void> }> {
  const peer = createPeer(await connectTcp({ host: '127.0.0.1', port: server.port }), { network, sentNonces: new MruSet(50) });
  const chain = createHeaderChain({ network });
  const sync = syncHeaders(peer, chain).subscribe({ error: () => undefined });
  await eventually(() => chain.height === server.blocks.length - 1, within);
  const store = fileNotifierStore(dir);
  const notifier = createChainNotifier({ chain, source: peer, store, syncChain: false });
  return {
    notifier,
    store,
    stop: async () => {
      await notifier.flush();
      sync.unsubscribe();
      peer.disconnect();
      await store.close();
    },
  };
}

const brief = (e: ConfirmationEvent): string => (e.type === 'confirmation' ? `conf${e.confirmations}@${e.height}` : `reorged@${e.height}`);

it('goes on where it stopped: nothing told twice, the blocks mined while it was down counted', async () => {
  const request = { txid: paid, script, depth: 6, heightHint: 250 };
  const first = await life();
  const told: ConfirmationEvent[] = [];
  const sub = first.notifier.confirmations(request).subscribe((e) => told.push(e));
  await eventually(() => told.length === 3, within);
  await new Promise((r) => setTimeout(r, 300)); // the pass ends at 300
  sub.unsubscribe();
  await first.stop();
  expect(told.map(brief)).toEqual([`conf1@${PAID}`, `conf2@${PAID}`, `conf3@${PAID}`]);
  const asked = server.getcfilters.length;

  await server.follow([...blocks, ...syntheticBlocks({ block: blocks.at(-1)!, height: 300 }, 2)]);
  const second = await life();
  expect(second.notifier.registrations()).toEqual([{ kind: 'confirmations', request: { ...request, txid: paid } }]);
  const again: ConfirmationEvent[] = [];
  let done = false;
  const subs = new Subscription();
  subs.add(second.notifier.confirmations(request).subscribe({ next: (e) => again.push(e), complete: () => (done = true) }));
  await eventually(() => again.length === 2, within);
  await server.follow([...server.blocks, ...syntheticBlocks({ block: server.blocks.at(-1)!, height: 302 }, 1)]);
  await eventually(() => done, within);
  subs.unsubscribe();
  expect(again.map(brief)).toEqual([`conf4@${PAID}`, `conf5@${PAID}`, `conf6@${PAID}`]);
  // No filter checked before was asked for again.
  expect(server.getcfilters.slice(asked).every(([from]) => from >= 301)).toBe(true);
  expect(second.notifier.registrations()).toEqual([]);
  await second.stop();

  // Done: made once more, it says nothing and completes.
  const third = await life();
  const after: ConfirmationEvent[] = [];
  await new Promise<void>((resolve) => third.notifier.confirmations(request).subscribe({ next: (e) => after.push(e), complete: resolve }));
  expect(after).toEqual([]);
  await third.stop();
});

it('tells reorged for a confirmation whose block left the best chain while it was down', async () => {
  const request = { txid: paid, script, depth: 10, heightHint: 290 };
  const first = await life();
  const told: ConfirmationEvent[] = [];
  const sub = first.notifier.confirmations(request).subscribe((e) => told.push(e));
  await eventually(() => told.length === 3, within);
  sub.unsubscribe();
  await first.stop();
  // A longer branch from 296 without the payment.
  await server.follow([...blocks.slice(0, 297), ...syntheticBlocks({ block: blocks[296]!, height: 296 }, 8, () => [], 5)]);
  const second = await life();
  const again: ConfirmationEvent[] = [];
  const subs = second.notifier.confirmations(request).subscribe((e) => again.push(e));
  await eventually(() => again.length === 1, within);
  await new Promise((r) => setTimeout(r, 300));
  subs.unsubscribe();
  expect(again.map(brief)).toEqual([`reorged@${PAID}`]);
  await second.stop();
});

it('refuses a file that is not a notifier log, naming it', () => {
  writeFileSync(join(dir, 'notifier.log'), 'not a log at all');
  expect(() => fileNotifierStore(dir)).toThrow(StoreError);
  expect(readFileSync(join(dir, 'notifier.log'), 'utf8')).toBe('not a log at all');
});
