import { randomBytes } from 'node:crypto';
import { Subscription } from 'rxjs';
import { MruSet, connectTcp, createHeaderChain, createPeer, networks, syncHeaders, type HeaderChain, type Peer } from '../../lib/index.js';
import { createChainNotifier, type ChainNotifier } from '../../lib/notify/chain-notifier.js';
import type { UtxoAnswer } from '../../lib/notify/notify-events.js';
import { eventually } from '../helpers/loopback.js';
import { useRegtestNode } from '../helpers/regtest.js';
import { fund, newKey, spend } from './bcoin-coins.js';
import { startFilterMirror, type FilterMirror } from './filter-mirror.js';
import { brief, record } from './recorded.js';

/**
 * The chain notifier over BIP158 against rxbtc's own filter server, which copies a real bcoin regtest node's chain:
 * bcoin makes the transactions (paying keys no wallet here owns, spending them), mines and reorganises.
 */
const network = networks.regtest;
const within = 20_000;

/** A notifier on the mirror (filters, headers, blocks) and bcoin itself (blocks, announced transactions). */
interface Setup {
  notifier: ChainNotifier;
  chain: HeaderChain;
  peers: Peer[];
  close(): void;
}

async function notifierOn(mirror: FilterMirror, bcoinPort: number): Promise<Setup> {
  const connect = async (port: number): Promise<Peer> =>
    createPeer(await connectTcp({ host: '127.0.0.1', port, timeout: within }), { network, sentNonces: new MruSet(50) });
  const peers = [await connect(mirror.port), await connect(bcoinPort)];
  const chain = createHeaderChain({ network });
  // Headers from the mirror only: it never serves a block it has no filter for.
  const sync = syncHeaders(peers[0]!, chain).subscribe({ error: () => undefined });
  await eventually(() => chain.height === mirror.height, within);
  return {
    notifier: createChainNotifier({ chain, source: peers, syncChain: false }),
    chain,
    peers,
    close: () => {
      sync.unsubscribe();
      for (const p of peers) p.disconnect();
    },
  };
}

const stranger = (): Uint8Array => Uint8Array.from([0x00, 0x14, ...randomBytes(20)]);
describe('chain notifier over BIP158 (rxbtc filter server copying bcoin)', () => {
  const node = useRegtestNode({ blocks: 110 });
  let mirror: FilterMirror;
  let setup: Setup;
  let subs: Subscription;
  beforeAll(async () => {
    mirror = await startFilterMirror(node());
  });
  afterAll(async () => {
    await mirror.close();
  });
  beforeEach(async () => {
    subs = new Subscription();
    setup = await notifierOn(mirror, node().port);
  });
  afterEach(() => {
    subs.unsubscribe();
    setup.close();
  });
  const mine = async (n: number): Promise<void> => {
    await node().mine(n);
    await mirror.synced();
    await eventually(() => setup.chain.height === node().height, within);
  };

  it('follows a transaction paying a script no wallet here owns to depth 3: updates 1, 2, 3, then completes', async () => {
    const script = stranger();
    const paid = await node().pay([{ script, value: 5_000_000 }]);
    const { hashToHex } = await import('../../lib/index.js');
    const txid = hashToHex(paid);
    const conf = record(setup.notifier.confirmations({ txid, script, depth: 3, heightHint: node().height }), subs);
    await mine(1);
    await eventually(() => conf.events.length === 1, within);
    const height = node().height;
    await mine(1);
    await eventually(() => conf.events.length === 2, within);
    await mine(1);
    await eventually(() => conf.done(), within);
    expect(conf.events.map(brief)).toEqual([`conf1@${height}`, `conf2@${height}`, `conf3@${height}`]);
    expect(conf.events[0]).toMatchObject({ txid, blockHash: hashToHex(await node().blockHash(height)), proof: { kind: 'block' } });
  });

  it('finds a transaction confirmed before it was registered, from its height hint', async () => {
    const script = stranger();
    const { hashToHex } = await import('../../lib/index.js');
    const txid = hashToHex(await node().pay([{ script, value: 6_000_000 }]));
    await mine(1);
    const height = node().height;
    await mine(2);
    const conf = record(setup.notifier.confirmations({ txid, script, depth: 2, heightHint: height - 3 }), subs);
    await eventually(() => conf.done(), within);
    expect(conf.events.map(brief)).toEqual([`conf1@${height}`, `conf2@${height}`]);
  });

  it('reports the spend of an outpoint with the right input index, in the mempool first', async () => {
    const key = newKey();
    const funding = await fund(node(), key, [3_000_000, 4_000_000]);
    await mine(1);
    const spent = record(setup.notifier.spends({ outpoint: `${funding.txid}:0`, script: key.script, heightHint: node().height }), subs);
    await new Promise((r) => setTimeout(r, 200));
    const spender = await spend(node(), key, funding, [1, 0]);
    await eventually(() => spent.events.length === 1, within);
    await mine(1);
    await eventually(() => spent.done(), within);
    expect(spent.events.map(brief)).toEqual(['spent#1@mempool', `spent#1@${node().height}`]);
    expect(spent.events.map((e) => e.txid)).toEqual([spender.txid, spender.txid]);
    expect(spent.events[1]).toMatchObject({ outpoint: `${funding.txid}:0`, blockHash: expect.any(String), proof: { kind: 'block' } });
  });

  it('answers utxo: unspent, then spent once bcoin spends it', async () => {
    const key = newKey();
    const funding = await fund(node(), key, [2_000_000]);
    await mine(1);
    const created = node().height;
    const ask = (): Promise<UtxoAnswer> =>
      new Promise((resolve, reject) =>
        subs.add(
          setup.notifier
            .utxo({ outpoint: `${funding.txid}:0`, script: key.script, heightHint: created - 1 })
            .subscribe({ next: resolve, error: reject }),
        ),
      );
    expect(await ask()).toMatchObject({ status: 'unspent', value: 2_000_000n, height: created, tip: created });
    const spender = await spend(node(), key, funding, [0]);
    await mine(1);
    expect(await ask()).toMatchObject({ status: 'spent', txid: spender.txid, inputIndex: 0, height: created + 1 });
    const never = `${'ab'.repeat(32)}:7`;
    expect(
      await new Promise((r) => subs.add(setup.notifier.utxo({ outpoint: never, script: stranger(), heightHint: 100 }).subscribe(r))),
    ).toMatchObject({
      status: 'missing',
    });
  });
});

describe('chain notifier over BIP158 across a reorganisation between two bcoin nodes', () => {
  const a = useRegtestNode({ blocks: 110 });
  const b = useRegtestNode();

  it('undoes a confirmation and a spend when their blocks leave, and tells them again on the new branch', async () => {
    // b copies a's 110 blocks and is cut off.
    b().node.startSync();
    const link = b().dial(a().port);
    await eventually(() => b().height === 110, within);
    link.destroy();
    const mirror = await startFilterMirror(a());
    const setup = await notifierOn(mirror, a().port);
    const subs = new Subscription();
    try {
      const mine = async (n: number): Promise<void> => {
        await a().mine(n);
        await mirror.synced();
        await eventually(() => setup.chain.height === a().height, within);
      };
      const key = newKey();
      const funding = await fund(a(), key, [9_000_000]);
      const conf = record(setup.notifier.confirmations({ txid: funding.txid, script: key.script, depth: 3, heightHint: 110 }), subs);
      const spent = record(setup.notifier.spends({ outpoint: `${funding.txid}:0`, script: key.script, heightHint: 110, depth: 2 }), subs);
      await mine(1); // 111: the funding
      await eventually(() => conf.events.length === 1, within);
      await new Promise((r) => setTimeout(r, 200));
      const spender = await spend(a(), key, funding, [0]);
      await eventually(() => spent.events.length === 1, within);
      await mine(1); // 112: the spend
      await eventually(() => conf.events.length === 2 && spent.events.length === 2, within);
      // b's branch (three blocks without either transaction) has more work: a switches to it.
      await b().mine(3);
      a().node.startSync();
      const back = a().dial(b().port);
      await eventually(() => a().height === 113, within);
      await mirror.synced();
      await eventually(() => conf.events.length === 3 && spent.events.length === 3, within);
      // Both transactions went back to a's mempool: the next block confirms them again.
      // bcoin 1.0.2 does not put a disconnected block's transactions back in its mempool: they are sent again.
      await a().node.sendTX(funding.tx);
      await a().node.sendTX(spender.tx);
      await mine(1); // 114
      await eventually(() => conf.events.length === 4 && spent.events.some((e) => e.type === 'spent' && e.height === 114), within);
      await mine(2);
      await eventually(() => conf.done() && spent.done(), within);
      back.destroy();
      expect(conf.events.map(brief)).toEqual(['conf1@111', 'conf2@111', 'reorged@111', 'conf1@114', 'conf2@114', 'conf3@114']);
      // Sent again, the spend may be announced again before it confirms: a second mempool notice is right then.
      const again = spent.events.map(brief).filter((x, i) => i < 3 || x !== 'spent#0@mempool');
      expect(again).toEqual(['spent#0@mempool', 'spent#0@112', 'reorged@112', 'spent#0@114']);
      expect(conf.events[2]).toMatchObject({
        type: 'reorged',
        txid: funding.txid,
        blockHash: conf.events[0]!.type === 'confirmation' ? conf.events[0]!.blockHash : '',
      });
    } finally {
      subs.unsubscribe();
      setup.close();
      await mirror.close();
    }
  });
});
