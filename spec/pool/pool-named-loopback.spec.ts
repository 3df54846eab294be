import {
  MruSet,
  createHeaderChain,
  createPeer,
  createPool,
  genesisHashBytes,
  listenTcp,
  networks,
  serveHeaders,
  syncHeaders,
  type HeaderChain,
  type Listener,
  type Peer,
  type Pool,
  type PoolEvent,
} from '../../lib/index.js';
import { eventually } from '../helpers/loopback.js';
import { mineChain } from '../helpers/mine.js';

jest.setTimeout(30_000);
const network = networks.regtest;
const HOST = '127.0.0.1';

/** An rxbtc listener on 127.0.0.1 (a port of its own) whose accepted peers claim `height` and are set up by `serve`. */
async function node(height: number, serve: (p: Peer) => void): Promise<{ listener: Listener; accepted: Peer[] }> {
  const listener = await listenTcp({ host: HOST, port: 0 });
  const accepted: Peer[] = [];
  listener.connections$.subscribe((c) => {
    const p = createPeer(c, {
      network,
      inbound: true,
      sentNonces: new MruSet(50),
      newestBlock: () => ({ hash: genesisHashBytes(network), height }),
    });
    p.handshake.catch(() => undefined);
    accepted.push(p);
    serve(p);
  });
  return { listener, accepted };
}

describe('createPool: two named rxbtc listeners on 127.0.0.1 (real loopback)', () => {
  let pool: Pool | undefined;
  const listeners: Listener[] = [];
  afterEach(async () => {
    await pool?.close();
    await Promise.all(listeners.splice(0).map((l) => l.close()));
  });

  it('connects both (one /16), and a lying one is banned by its port alone while the sync goes on from the other', async () => {
    const served: HeaderChain = createHeaderChain({ network });
    await served.add(mineChain(genesisHashBytes(network), 300, { time: 1_296_688_602, bits: 0x207fffff, spacing: 60 }));
    const liar = await node(1_000_000, (p) => {
      // Claims the best chain (picked first), and answers getheaders with a header whose proof of work fails.
      p.on('getheaders').subscribe(() => {
        const bad = { ...served.header(1)!.header, bits: 0x1d00ffff };
        p.send({ command: 'headers', headers: [bad] }).catch(() => undefined);
      });
    });
    const honest = await node(300, (p) => void serveHeaders(p, served));
    listeners.push(liar.listener, honest.listener);
    const events: PoolEvent[] = [];
    pool = createPool({
      network,
      connect: [`${HOST}:${liar.listener.port}`, `${HOST}:${honest.listener.port}`],
      backoff: { base: 200, max: 400 },
    });
    pool.events$.subscribe((e) => events.push(e));
    const p = pool;
    await eventually(() => p.peers().length === 2, 10_000);
    expect(new Set(p.peers().map((m) => m.netgroup))).toEqual(new Set(['ipv4:127.0']));

    const chain = createHeaderChain({ network });
    const sync = syncHeaders(p, chain).subscribe();
    await eventually(() => chain.height === 300, 10_000);
    sync.unsubscribe();
    expect(chain.tip.hashHex).toBe(served.tip.hashHex);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'banned', host: HOST, port: liar.listener.port, reason: expect.stringMatching(/invalid headers/) }),
    );
    expect(p.bans().map((b) => b.port)).toEqual([liar.listener.port]);
    await new Promise((r) => setTimeout(r, 1000)); // over twice the redial backoff
    expect(liar.accepted).toHaveLength(1); // not redialled
    expect(honest.accepted).toHaveLength(1); // never dropped
    expect(p.peers().map((m) => m.address)).toEqual([{ host: HOST, port: honest.listener.port }]);
  });
});
