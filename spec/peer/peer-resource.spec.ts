import { firstValueFrom, lastValueFrom, retry, switchMap, take, timeout, toArray } from 'rxjs';
import { MruSet, createPeer, listenTcp, networks, peer$, type Peer } from '../../lib/index.js';

/** peer$: a peer as a cold Observable resource over loopback TCP. */
const network = networks.regtest;

async function server(): Promise<{ port: number; served: Peer[]; close: () => Promise<void> }> {
  const listener = await listenTcp({ port: 0 });
  const served: Peer[] = [];
  listener.connections$.subscribe((c) => served.push(createPeer(c, { network, inbound: true, sentNonces: new MruSet(50) })));
  return { port: listener.port, served, close: () => listener.close() };
}

describe('peer$', () => {
  it('is cold: each subscription dials, emits the handshaken peer, and unsubscribing disconnects it', async () => {
    const s = await server();
    const source = peer$({ host: '127.0.0.1', port: s.port, network, sentNonces: new MruSet(50) });
    expect(s.served).toHaveLength(0); // nothing dialled before a subscription
    const peer = await firstValueFrom(source.pipe(timeout(10_000)));
    expect((await peer.handshake).transport).toBe('v2');
    expect(peer.connected).toBe(false); // firstValueFrom unsubscribed after the first value
    expect((await peer.closed).reason).toBe('unsubscribed');
    expect((await s.served[0]!.closed).reason).toMatch(/closed/);
    await s.close();
  });

  it('composes: switchMap to its messages', async () => {
    const s = await server();
    const pings = peer$({ host: '127.0.0.1', port: s.port, network, sentNonces: new MruSet(50) }).pipe(
      switchMap((peer) => peer.on('ping')),
      take(2),
      toArray(),
    );
    const got = lastValueFrom(pings);
    while (s.served.length === 0) await new Promise((r) => setTimeout(r, 10));
    await s.served[0]!.handshake;
    await s.served[0]!.send({ command: 'ping', nonce: 1n });
    await s.served[0]!.send({ command: 'ping', nonce: 2n });
    expect((await got).map((m) => m.nonce)).toEqual([1n, 2n]);
    await s.close();
  });

  it('completes when the remote hangs up, after emitting its one peer', async () => {
    const s = await server();
    const all = lastValueFrom(peer$({ host: '127.0.0.1', port: s.port, network, sentNonces: new MruSet(50) }).pipe(toArray()));
    while (s.served.length === 0) await new Promise((r) => setTimeout(r, 10));
    await s.served[0]!.handshake;
    s.served[0]!.disconnect('bye');
    const peers = await all;
    expect(peers).toHaveLength(1);
    expect((await peers[0]!.closed).error).toBeUndefined();
    await s.close();
  });

  it('errors with the typed dial error, and retry dials again', async () => {
    const s = await server();
    const port = s.port;
    await s.close();
    let attempts = 0;
    const failing = peer$({ host: '127.0.0.1', port, network, sentNonces: new MruSet(50), onPeer: () => attempts++ });
    await expect(firstValueFrom(failing)).rejects.toMatchObject({ name: 'TransportError' });
    let dials = 0;
    const retried = peer$({ host: '127.0.0.1', port, network, sentNonces: new MruSet(50) }).pipe(
      retry({ count: 2, delay: () => (dials++, Promise.resolve()) }),
    );
    await expect(firstValueFrom(retried)).rejects.toMatchObject({ name: 'TransportError' });
    expect(dials).toBe(2);
    expect(attempts).toBe(0); // no connection, so no peer was ever made
  });
});
