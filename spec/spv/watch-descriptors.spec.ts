import { HDKey } from '@scure/bip32';
import {
  Descriptor,
  MruSet,
  WalletView,
  connectTcp,
  createHeaderChain,
  createPeer,
  memoryWalletStore,
  networks,
  parseDescriptor,
  watch,
  type Keychain,
  type Peer,
  type WalletEvent,
  type WalletStore,
} from '../../lib/index.js';
import { startFilterNode, type FilterNode } from '../helpers/filter-node.js';
import { eventually } from '../helpers/loopback.js';

/**
 * watch({ descriptors, gapLimit }) over BIP158 against the project's own BIP157 server, on synthetic blocks whose
 * coinbases pay addresses derived from a tpub: discovery follows payments in any order, within the gap limit only,
 * and a restart keeps what was derived and used.
 */
const network = networks.regtest;
const within = 20_000;
const TEST_VERSIONS = { private: 0x04358394, public: 0x043587cf };
const account = HDKey.fromMasterSeed(
  Uint8Array.from({ length: 32 }, (_, i) => i + 1),
  TEST_VERSIONS,
).derive("m/84'/1'/0'");
const descriptor = parseDescriptor(`wpkh([00000001/84h/1h/0h]${account.publicExtendedKey}/<0;1>/*)`, network);
const gapLimit = 5;

let node: FilterNode;
beforeEach(async () => (node = await startFilterNode()));
afterEach(async () => node.close());

type Pay = [height: number, keychain: Keychain, index: number, value: bigint];
const paying = (pays: readonly Pay[]) => (h: number) =>
  pays.filter((p) => p[0] === h).map(([, k, i, value]) => ({ script: descriptor.scriptAt(k, i), value }));

async function run(options: { until: number; from?: number; store?: WalletStore; wallet?: WalletView; method?: 'bip158' }): Promise<{
  events: WalletEvent[];
  /** Filters received, by height. */
  filters: Map<string, number>;
  stop(): void;
}> {
  const chain = createHeaderChain({ network });
  const peer: Peer = createPeer(await connectTcp({ host: '127.0.0.1', port: node.port, timeout: within }), {
    network,
    sentNonces: new MruSet(50),
  });
  const events: WalletEvent[] = [];
  const filters = new Map<string, number>();
  peer.on('cfilter').subscribe((m) => {
    const key = Buffer.from(m.blockHash).toString('hex');
    filters.set(key, (filters.get(key) ?? 0) + 1);
  });
  let scanned = -1;
  let failed: unknown;
  const sub = watch({
    chain,
    source: peer,
    descriptors: [descriptor],
    gapLimit,
    ...(options.from === undefined ? {} : { from: options.from }),
    ...(options.store ? { store: options.store } : {}),
    ...(options.wallet ? { wallet: options.wallet } : {}),
    onScanned: (h) => (scanned = h),
  }).subscribe({ next: (e) => events.push(e), error: (e: unknown) => (failed = e) });
  await eventually(() => failed !== undefined || (scanned === options.until && chain.height === options.until), within);
  if (failed !== undefined) throw failed instanceof Error ? failed : new Error('the watch failed');
  return {
    events,
    filters,
    stop: () => {
      sub.unsubscribe();
      peer.disconnect();
    },
  };
}

const found = (events: readonly WalletEvent[]): string[] =>
  events.flatMap((e) => e.received.map((r) => `${r.origin?.keychain}/${r.origin?.index}@${e.height}`)).sort();

describe('watch with descriptors (gap-limit discovery, BIP158)', () => {
  it('finds payments in an order only discovery can follow, and none beyond the gap limit', async () => {
    // Initially receive/change 0…4 are derived. receive 3 (at 9) derives up to 8; receive 7 was paid earlier (at 4),
    // so it is found only by checking the earlier blocks again, which derives up to 12 and finds receive 11 (at 6),
    // then 16. change 2 is inside the first gap. receive 30 lies beyond every gap: never found.
    const pays: Pay[] = [
      [4, 'receive', 7, 7000n],
      [6, 'receive', 11, 11000n],
      [9, 'receive', 3, 3000n],
      [12, 'change', 2, 200n],
      [14, 'receive', 30, 30000n],
      [15, 'receive', 12, 12000n],
    ];
    await node.mine(16, paying(pays));
    const wallet = new WalletView();
    const w = await run({ until: 16, from: 1, wallet });
    await eventually(() => w.events.length === 5, within);
    w.stop();
    expect(found(w.events)).toEqual(['change/2@12', 'receive/11@6', 'receive/12@15', 'receive/3@9', 'receive/7@4']);
    for (const e of w.events)
      expect(e.origin).toEqual({ descriptor: descriptor.toString(), keychain: e.origin!.keychain, index: e.origin!.index });
    expect(wallet.balance()).toEqual({ confirmed: 7000n + 11000n + 3000n + 200n + 12000n, unconfirmed: 0n });
    expect(wallet.utxos().map((u) => u.height)).toEqual([4, 6, 9, 12, 15]);
    // The next addresses were matched ahead of time: receive 7 and 11, beyond the gap when their blocks were scanned,
    // cost their blocks, not a second pass over the filters (each filter was received once).
    expect([...w.filters.values()].every((n) => n === 1)).toBe(true);
    expect(w.filters.size).toBe(16);
  });

  it('a restart keeps the keychains: nothing derived again, a payment inside the grown gap found', async () => {
    await node.mine(10, paying([[5, 'receive', 4, 4000n]]));
    const store = memoryWalletStore();
    const first = await run({ until: 10, from: 1, store });
    first.stop();
    expect(found(first.events)).toEqual(['receive/4@5']);
    const stored = store
      .load()
      .filter((r) => r.type === 'wallet')
      .at(-1)!;
    expect(stored.keychains?.map((k) => [k.keychain, k.used, k.scripts.length])).toEqual([
      ['receive', 4, 10],
      ['change', -1, 5],
    ]);

    await node.mine(3, paying([[12, 'receive', 9, 9000n]])); // index 9: derived only because 4 was used
    const derive = jest.spyOn(Descriptor.prototype, 'scriptAt');
    const wallet = new WalletView();
    const second = await run({ until: 13, store, wallet });
    second.stop();
    const derived = derive.mock.calls.map(([k, i]) => [k, i!] as const);
    derive.mockRestore();
    expect(found(second.events)).toEqual(['receive/9@12']);
    // Only past the stored ones (10 receive, 5 change): the keychain's next five, and the scripts matched ahead of them.
    expect(derived.filter(([k, i]) => i < (k === 'receive' ? 10 : 5))).toEqual([]);
    const grown = store
      .load()
      .filter((r) => r.type === 'wallet')
      .at(-1)!;
    expect(grown.keychains?.map((k) => [k.keychain, k.used, k.scripts.length])).toEqual([
      ['receive', 9, 15],
      ['change', -1, 5],
    ]);
    expect(wallet.balance().confirmed).toBe(4000n + 9000n); // the stored payment is in the view, too
  });
});
