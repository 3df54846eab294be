import { filter, firstValueFrom, timeout } from 'rxjs';
import { MruSet, V2Error, connectPeer, createPeer, listenTcp, memoryPair, networks, type Listener, type Peer } from '../../lib/index.js';
import { useRegtestNode } from '../helpers/regtest.js';
import { advance, virtualClock } from '../helpers/virtual-time.js';

/** BIP324 on whole peers: rxbtc↔rxbtc over loopback TCP, detection on one listening port, and the downgrade against bcoin. */
const network = networks.regtest;
const within = 20_000;

async function listener(): Promise<{ listener: Listener; inbound: Promise<Peer>[] }> {
  const l = await listenTcp({ port: 0, host: '127.0.0.1' });
  const inbound: Promise<Peer>[] = [];
  l.connections$.subscribe((c) => {
    const peer = createPeer(c, { network, inbound: true, sentNonces: new MruSet(50) }); // transport: detect (the default)
    inbound.push(peer.handshake.then(() => peer));
  });
  return { listener: l, inbound };
}

async function pingPong(from: Peer, nonce: bigint): Promise<void> {
  const pong = firstValueFrom(
    from.on('pong').pipe(
      filter((m) => m.nonce === nonce),
      timeout(within),
    ),
  );
  await from.send({ command: 'ping', nonce });
  await pong;
}

describe('connectPeer and v2 peers over loopback TCP', () => {
  it('v2 both ways: equal session ids on both ends, messages both ways, stats say v2', async () => {
    const { listener: l, inbound } = await listener();
    const client = await connectPeer({ host: '127.0.0.1', port: l.port, network, transport: 'v2', sentNonces: new MruSet(50) });
    const server = await inbound[0]!;
    const [mine, theirs] = await Promise.all([client.handshake, server.handshake]);
    expect(mine.transport).toBe('v2');
    expect(theirs.transport).toBe('v2');
    expect(mine.sessionId).toMatch(/^[0-9a-f]{64}$/);
    expect(mine.sessionId).toBe(theirs.sessionId);
    expect(client.stats()).toMatchObject({ transport: 'v2', sessionId: mine.sessionId });
    await pingPong(client, 11n);
    await pingPong(server, 12n);
    client.disconnect();
    await l.close();
  });

  it('one listening port serves a v1 and a v2 client (BIP324 detection)', async () => {
    const { listener: l, inbound } = await listener();
    const v1 = await connectPeer({ host: '127.0.0.1', port: l.port, network, transport: 'v1', sentNonces: new MruSet(50) });
    const v2 = await connectPeer({ host: '127.0.0.1', port: l.port, network, sentNonces: new MruSet(50) }); // auto
    const served = await Promise.all(inbound);
    expect((await v1.handshake).transport).toBe('v1');
    expect((await v1.handshake).sessionId).toBeUndefined();
    expect((await v2.handshake).transport).toBe('v2');
    expect(served.map((p) => p.stats().transport).sort()).toEqual(['v1', 'v2']);
    await pingPong(v1, 1n);
    await pingPong(v2, 2n);
    v1.disconnect();
    v2.disconnect();
    await l.close();
  });

  it('a v2 peer whose remote stays silent is dropped with a typed timeout at the negotiate deadline (virtual time)', async () => {
    const clock = virtualClock();
    const [a] = memoryPair();
    const peer = createPeer(a, { network, transport: 'v2', negotiateTimeout: 5000, scheduler: clock, sentNonces: new MruSet(50) });
    await advance(clock, 4999);
    expect(peer.connected).toBe(true);
    await advance(clock, 1);
    const { error } = await peer.closed;
    // The session's deadline and the handshake's fall due together: either names the timeout.
    if (error instanceof V2Error) expect(error.code).toBe('timeout');
    else expect(error).toMatchObject({ code: 'negotiate-timeout' });
    expect(peer.stats()).toMatchObject({ transport: 'v1', sessionId: undefined });
    await expect(peer.handshake).rejects.toBe(error);
  });
});

describe('connectPeer against bcoin 1.0.2 (v1 only)', () => {
  const node = useRegtestNode({ blocks: 5 });

  it('auto: bcoin drops the v2 key, so it reconnects once with v1; the handshake and a ping work', async () => {
    const peer = await connectPeer({ host: '127.0.0.1', port: node().port, network, sentNonces: new MruSet(50) });
    const n = await peer.handshake;
    expect(n.transport).toBe('v1');
    expect(n.remote.userAgent).toContain('bcoin');
    await pingPong(peer, 0xabcn);
    peer.disconnect();
  });

  it('v2 only: bcoin answers with its v1 version, a typed v1-responder error', async () => {
    await expect(
      connectPeer({ host: '127.0.0.1', port: node().port, network, transport: 'v2', sentNonces: new MruSet(50), v2: { garbageLength: 0 } }),
    ).rejects.toMatchObject({ code: 'v1-responder' });
  });
});
