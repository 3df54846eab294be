import { randomBytes } from 'node:crypto';
import { Subscription, firstValueFrom } from 'rxjs';
import {
  MruSet,
  connectTcp,
  createHeaderChain,
  createPeer,
  hashToHex,
  networks,
  txid,
  type HeaderChain,
  type Peer,
  type Transaction,
} from '../../lib/index.js';
import { createChainNotifier, type ChainNotifier } from '../../lib/notify/chain-notifier.js';
import { memoryNotifierStore, type NotifierStore } from '../../lib/notify/notifier-store.js';
import { startFilterNode, type FilterNode } from '../helpers/filter-node.js';
import { eventually } from '../helpers/loopback.js';
import { brief, record } from './recorded.js';

/**
 * The chain notifier over BIP158 against the project's own filter node (spec/helpers/filter-node.ts): synthetic
 * regtest blocks with the transactions a test puts in them, relayed transactions, reorganisations that keep the peers.
 */
const network = networks.regtest;
const within = 20_000;
const S = Uint8Array.from([0x00, 0x14, ...randomBytes(20)]);

/** A transaction spending `inputs` (no signatures: the filter node checks only that the outputs exist) to `outputs`. */
function tx(inputs: { txid: Uint8Array; vout: number }[], outputs: { script: Uint8Array; value: bigint }[]): Transaction {
  return {
    version: 2,
    inputs: inputs.map((i) => ({ txid: i.txid, vout: i.vout, script: new Uint8Array(0), sequence: 0xffffffff, witness: [] })),
    outputs,
    lockTime: 0,
  };
}

let node: FilterNode;
let peer: Peer;
let chain: HeaderChain;
let subs: Subscription;
const coinbase = (h: number): Uint8Array => txid(node.blocks[h]!.transactions[0]!);
async function notifier(store?: NotifierStore): Promise<ChainNotifier> {
  peer = createPeer(await connectTcp({ host: '127.0.0.1', port: node.port }), { network, sentNonces: new MruSet(50) });
  chain = createHeaderChain({ network });
  const n = createChainNotifier({ chain, source: peer, ...(store ? { store } : {}) });
  subs.add(n.blocks$.subscribe()); // keeps the chain in sync between registrations
  await eventually(() => chain.height === node.height, within);
  return n;
}
beforeEach(async () => {
  node = await startFilterNode();
  await node.mine(20);
  subs = new Subscription();
});
afterEach(async () => {
  subs.unsubscribe();
  peer.disconnect();
  await node.close();
});
const mined = async (n: number, txs: (h: number) => Transaction[] = () => []): Promise<void> => {
  await node.mine(n, undefined, { txs });
  await eventually(() => chain.height === node.height, within);
};

it('a confirmation and a spend (mempool first, right input), undone by a reorganisation that keeps the peer, back on the new branch', async () => {
  const n = await notifier();
  const funding = tx(
    [{ txid: coinbase(3), vout: 0 }],
    [
      { script: S, value: 1_000_000n },
      { script: S, value: 2_000_000n },
    ],
  );
  const fid = hashToHex(txid(funding));
  const spender = tx(
    [
      { txid: txid(funding), vout: 0 },
      { txid: txid(funding), vout: 1 },
    ],
    [{ script: Uint8Array.of(0x51), value: 2_900_000n }],
  );
  const conf = record(n.confirmations({ txid: fid, script: S, depth: 3, heightHint: 20 }), subs);
  const spent = record(n.spends({ outpoint: `${fid}:1`, script: S, heightHint: 20, depth: 2 }), subs);
  await mined(1, (h) => (h === 21 ? [funding] : []));
  await eventually(() => conf.events.length === 1, within);
  node.relay(spender);
  await eventually(() => spent.events.length === 1, within);
  await mined(1, (h) => (h === 22 ? [spender] : []));
  await eventually(() => conf.events.length === 2 && spent.events.length === 2, within);
  await node.reorg(20, 3, undefined, { keepPeers: true });
  await eventually(() => conf.events.length === 3 && spent.events.length === 3, within);
  await mined(1, () => [funding, spender]); // 24 on the new branch
  await mined(2);
  await eventually(() => conf.done() && spent.done(), within);
  expect(conf.events.map(brief)).toEqual(['conf1@21', 'conf2@21', 'reorged@21', 'conf1@24', 'conf2@24', 'conf3@24']);
  expect(spent.events.map(brief)).toEqual(['spent#1@mempool', 'spent#1@22', 'reorged@22', 'spent#1@24']);
  expect(spent.events.every((e) => e.txid === hashToHex(txid(spender)))).toBe(true);
});

it('utxo: unspent, then spent; missing for an output nothing created', async () => {
  const n = await notifier();
  const funding = tx([{ txid: coinbase(4), vout: 0 }], [{ script: S, value: 7_000n }]);
  const fid = hashToHex(txid(funding));
  await mined(1, () => [funding]);
  const ask = { outpoint: `${fid}:0`, script: S, heightHint: 15 };
  expect(await firstValueFrom(n.utxo(ask))).toMatchObject({ status: 'unspent', value: 7_000n, height: 21 });
  await mined(2, (h) => (h === 23 ? [tx([{ txid: txid(funding), vout: 0 }], [{ script: S, value: 6_000n }])] : []));
  expect(await firstValueFrom(n.utxo(ask))).toMatchObject({ status: 'spent', inputIndex: 0, height: 23, tip: 23 });
  expect(await firstValueFrom(n.utxo({ ...ask, outpoint: `${fid}:1` }))).toMatchObject({ status: 'missing', tip: 23 });
});

it('with a store: a spend told from the mempool is not told again after a restart; its block is', async () => {
  const store = memoryNotifierStore();
  const funding = tx([{ txid: coinbase(5), vout: 0 }], [{ script: S, value: 9_000n }]);
  const fid = hashToHex(txid(funding));
  const spender = tx([{ txid: txid(funding), vout: 0 }], [{ script: S, value: 8_000n }]);
  let n = await notifier(store);
  await mined(1, () => [funding]);
  const request = { outpoint: `${fid}:0`, script: S, heightHint: 20 };
  const first = record(n.spends(request), subs);
  await new Promise((r) => setTimeout(r, 200));
  node.relay(spender);
  await eventually(() => first.events.length === 1, within);
  subs.unsubscribe();
  peer.disconnect();
  await node.mine(1, undefined, { txs: () => [spender] }); // confirmed while the notifier is down
  subs = new Subscription();
  n = await notifier(store);
  expect(n.registrations()).toEqual([{ kind: 'spends', request: { ...request, depth: 1 } }]);
  const second = record(n.spends(request), subs);
  await eventually(() => second.done(), within);
  expect([...first.events, ...second.events].map(brief)).toEqual(['spent#0@mempool', 'spent#0@22']);
});
