import { randomBytes } from 'node:crypto';
import { Subscription, firstValueFrom } from 'rxjs';
import { MruSet, connectTcp, createHeaderChain, createPeer, hashToHex, networks, type HeaderChain, type Peer } from '../../lib/index.js';
import { createChainNotifier, type ChainNotifier } from '../../lib/notify/chain-notifier.js';
import { eventually } from '../helpers/loopback.js';
import { useRegtestNode } from '../helpers/regtest.js';
import type { RegtestNode } from '../../demos/regtest-node.js';
import { fund, newKey, spend } from './bcoin-coins.js';
import { brief, record } from './recorded.js';

/**
 * The chain notifier over BIP37 against a real bcoin 1.0.2 regtest node (bloom filters, verified merkleblocks): bcoin
 * pays keys no wallet here owns, spends them, mines, and reorganises against a second bcoin node.
 */
const network = networks.regtest;
const within = 20_000;
const stranger = (): Uint8Array => Uint8Array.from([0x00, 0x14, ...randomBytes(20)]);

/** A notifier on one bcoin peer (headers kept in sync by the notifier itself), the method chosen by its services. */
async function notifierOn(node: RegtestNode): Promise<{ notifier: ChainNotifier; chain: HeaderChain; peer: Peer }> {
  const peer = createPeer(await connectTcp({ host: '127.0.0.1', port: node.port, timeout: within }), {
    network,
    sentNonces: new MruSet(50),
  });
  const chain = createHeaderChain({ network });
  return { notifier: createChainNotifier({ chain, source: peer }), chain, peer };
}

describe('chain notifier over BIP37 against bcoin', () => {
  const node = useRegtestNode({ blocks: 110 });
  let notifier: ChainNotifier;
  let chain: HeaderChain;
  let peer: Peer;
  let subs: Subscription;
  beforeEach(async () => {
    subs = new Subscription();
    ({ notifier, chain, peer } = await notifierOn(node()));
    subs.add(notifier.blocks$.subscribe()); // keeps the headers in sync between registrations
    await eventually(() => chain.height === node().height, within);
  });
  afterEach(() => {
    subs.unsubscribe();
    peer.disconnect();
  });
  const mine = async (n: number): Promise<void> => {
    await node().mine(n);
    await eventually(() => chain.height === node().height, within);
  };

  it('follows a transaction to depth 3 (updates 1, 2, 3, each proved by a merkleblock), then completes', async () => {
    const script = stranger();
    const txid = hashToHex(await node().pay([{ script, value: 5_000_000 }]));
    const conf = record(notifier.confirmations({ txid, script, depth: 3, heightHint: node().height }), subs);
    await mine(1);
    const height = node().height;
    await eventually(() => conf.events.length === 1, within);
    await mine(2);
    await eventually(() => conf.done(), within);
    expect(conf.events.map(brief)).toEqual([`conf1@${height}`, `conf2@${height}`, `conf3@${height}`]);
    expect(conf.events[0]).toMatchObject({ txid, proof: { kind: 'merkleblock', totalTransactions: 2 } });
  });

  it('finds a transaction confirmed before it was registered, from its height hint', async () => {
    const script = stranger();
    const txid = hashToHex(await node().pay([{ script, value: 6_000_000 }]));
    await mine(1);
    const height = node().height;
    await mine(1);
    const conf = record(notifier.confirmations({ txid, script, depth: 2, heightHint: height - 5 }), subs);
    await eventually(() => conf.done(), within);
    expect(conf.events.map(brief)).toEqual([`conf1@${height}`, `conf2@${height}`]);
  });

  it('reports the spend of an outpoint with the right input index, in the mempool first', async () => {
    const key = newKey();
    const funding = await fund(node(), key, [3_000_000, 4_000_000]);
    await mine(1);
    const spent = record(notifier.spends({ outpoint: `${funding.txid}:0`, script: key.script, heightHint: node().height }), subs);
    await new Promise((r) => setTimeout(r, 300)); // the filter with the outpoint loaded
    const spender = await spend(node(), key, funding, [1, 0]);
    await eventually(() => spent.events.length === 1, within);
    await mine(1);
    await eventually(() => spent.done(), within);
    expect(spent.events.map(brief)).toEqual(['spent#1@mempool', `spent#1@${node().height}`]);
    expect(spent.events.map((e) => e.txid)).toEqual([spender.txid, spender.txid]);
  });

  it('answers utxo: unspent, then spent once bcoin spends it', async () => {
    const key = newKey();
    const funding = await fund(node(), key, [2_000_000]);
    await mine(1);
    const created = node().height;
    const ask = { outpoint: `${funding.txid}:0`, script: key.script, heightHint: created - 1 };
    expect(await firstValueFrom(notifier.utxo(ask))).toMatchObject({ status: 'unspent', value: 2_000_000n, height: created });
    const spender = await spend(node(), key, funding, [0]);
    await mine(1);
    expect(await firstValueFrom(notifier.utxo(ask))).toMatchObject({
      status: 'spent',
      txid: spender.txid,
      inputIndex: 0,
      height: created + 1,
    });
  });
});

describe('chain notifier over BIP37 across a reorganisation between two bcoin nodes', () => {
  const a = useRegtestNode({ blocks: 110 });
  const b = useRegtestNode();

  it('undoes a confirmation and a spend when their blocks leave, and tells them again on the new branch', async () => {
    b().node.startSync();
    const link = b().dial(a().port);
    await eventually(() => b().height === 110, within);
    link.destroy();
    const { notifier, chain, peer } = await notifierOn(a());
    const subs = new Subscription();
    try {
      const mine = async (n: number): Promise<void> => {
        await a().mine(n);
        await eventually(() => chain.height === a().height, within);
      };
      subs.add(notifier.blocks$.subscribe());
      await eventually(() => chain.height === 110, within);
      const key = newKey();
      const funding = await fund(a(), key, [9_000_000]);
      const conf = record(notifier.confirmations({ txid: funding.txid, script: key.script, depth: 3, heightHint: 110 }), subs);
      const spent = record(notifier.spends({ outpoint: `${funding.txid}:0`, script: key.script, heightHint: 110, depth: 2 }), subs);
      await mine(1); // 111: the funding
      await eventually(() => conf.events.length === 1, within);
      await new Promise((r) => setTimeout(r, 300));
      const spender = await spend(a(), key, funding, [0]);
      await eventually(() => spent.events.length === 1, within);
      await mine(1); // 112: the spend
      await eventually(() => conf.events.length === 2 && spent.events.length === 2, within);
      await b().mine(3);
      a().node.startSync();
      const back = a().dial(b().port);
      await eventually(() => a().height === 113 && chain.height === 113, within);
      await eventually(() => conf.events.length === 3 && spent.events.length === 3, within);
      // bcoin 1.0.2 does not put a disconnected block's transactions back in its mempool: they are sent again.
      await a().node.sendTX(funding.tx);
      await a().node.sendTX(spender.tx);
      await mine(1); // 114
      await eventually(() => conf.events.length === 4 && spent.events.some((e) => e.type === 'spent' && e.height === 114), within);
      await mine(2);
      await eventually(() => conf.done() && spent.done(), within);
      back.destroy();
      expect(conf.events.map(brief)).toEqual(['conf1@111', 'conf2@111', 'reorged@111', 'conf1@114', 'conf2@114', 'conf3@114']);
      const again = spent.events.map(brief).filter((x, i) => i < 3 || x !== 'spent#0@mempool');
      expect(again).toEqual(['spent#0@mempool', 'spent#0@112', 'reorged@112', 'spent#0@114']);
    } finally {
      subs.unsubscribe();
      peer.disconnect();
    }
  });
});
