import { filter, firstValueFrom, share, timeout } from 'rxjs';
import {
  MruSet,
  connectTcp,
  createHeaderChain,
  createPeer,
  fetchHeader,
  hashToHex,
  networks,
  openHeaderChain,
  sha256d,
  syncHeaders,
  type HeaderChain,
  type Peer,
  type Reorg,
} from '../../lib/index.js';
import { eventually } from '../helpers/loopback.js';
import { useRegtestNode } from '../helpers/regtest.js';

/** Header sync against real bcoin 1.0.2 regtest nodes on 127.0.0.1: a plain sync, then a reorganisation between two nodes. */
const network = networks.regtest;
const within = 20_000;

async function dial(port: number): Promise<Peer> {
  return createPeer(await connectTcp({ host: '127.0.0.1', port, timeout: within }), { network, sentNonces: new MruSet(50) });
}

/** Start following `peer` (the subscription lives as long as the peer) and wait until the chain has synced to `height`. */
function syncedTo(chain: HeaderChain, peer: Peer, height: number): Promise<unknown> {
  const progress$ = syncHeaders(peer, chain).pipe(share());
  progress$.subscribe({ error: () => undefined });
  return firstValueFrom(
    progress$.pipe(
      filter((p) => p.synced && p.height >= height),
      timeout(within),
    ),
  );
}

describe('syncHeaders against bcoin', () => {
  const a = useRegtestNode({ blocks: 320 });
  const b = useRegtestNode();

  it('verifies 320 headers from bcoin and ends at its tip, then follows a newly mined block', async () => {
    const chain = createHeaderChain({ network });
    const peer = await dial(a().port);
    await syncedTo(chain, peer, 320);
    expect(chain.tip.hashHex).toBe(hashToHex(await a().blockHash(320)));
    const [mined] = await a().mine(1);
    await eventually(() => chain.height === 321, within);
    expect(chain.tip.hashHex).toBe(hashToHex(mined!));
    peer.disconnect();
  });

  it('starts from a checkpoint: bcoin answers an empty-locator getheaders with that header alone, and the sync asks only above it', async () => {
    const peer = await dial(a().port);
    const checkpoint = { height: 150, hash: hashToHex(await a().blockHash(150)) };
    const header = await fetchHeader(peer, checkpoint);
    expect(hashToHex(sha256d(header))).toBe(checkpoint.hash);
    let received = 0;
    peer.on('headers').subscribe((m) => (received += m.headers.length));
    const chain = await openHeaderChain({ network, start: checkpoint, source: peer });
    expect([chain.root.height, chain.height]).toEqual([150, 150]);
    const top = a().height;
    await syncedTo(chain, peer, top);
    expect(chain.tip.hashHex).toBe(hashToHex(await a().blockHash(top)));
    expect(received).toBe(1 + top - 150); // the checkpoint's header, then only those above it
    peer.disconnect();
  });

  it('follows the heavier of two competing bcoin branches and reports the reorganisation', async () => {
    // b copies a's chain, then the two are cut apart and mine competing branches: a two blocks, b four.
    b().node.startSync();
    const link = b().dial(a().port);
    const common = a().height;
    await eventually(() => b().height === common, within);
    link.destroy();
    await a().mine(2);
    await b().mine(4);
    const chain = createHeaderChain({ network });
    const reorg = firstValueFrom(chain.reorg$.pipe(timeout(within)));
    const fromA = await dial(a().port);
    await syncedTo(chain, fromA, common + 2);
    expect(chain.tip.hashHex).toBe(hashToHex(await a().blockHash(common + 2)));
    const fromB = await dial(b().port);
    await syncedTo(chain, fromB, common + 4);
    const r: Reorg = await reorg;
    expect(r.forkHeight).toBe(common);
    expect(r.disconnected.map((e) => e.hashHex)).toEqual([
      hashToHex(await a().blockHash(common + 1)),
      hashToHex(await a().blockHash(common + 2)),
    ]);
    expect(r.connected.map((e) => e.height)).toEqual([common + 1, common + 2, common + 3, common + 4]);
    expect(chain.tip.hashHex).toBe(hashToHex(await b().blockHash(common + 4)));
    fromA.disconnect();
    fromB.disconnect();
  });
});
