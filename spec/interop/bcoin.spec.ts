import { filter, firstValueFrom, take, timeout, toArray } from 'rxjs';
import {
  InvType,
  MruSet,
  ServiceFlag,
  blockHash,
  bytesEqual,
  connectTcp,
  createPeer,
  hasService,
  hashFromHex,
  listenTcp,
  merkleRoot,
  networks,
  txid,
  type Message,
  type MessageOf,
  type Command,
  type Peer,
} from '../../lib/index.js';
import { useRegtestNode } from '../helpers/regtest.js';

/**
 * Interop with a real bcoin 1.0.2 regtest full node, in memory on
 * 127.0.0.1 in this process. Real time, real sockets: every wait is bounded
 * by `within`.
 */
const network = networks.regtest;
const zero = new Uint8Array(32);
const genesis = hashFromHex(network.genesisHash);
const within = 10_000;

function next<C extends Command>(peer: Peer, command: C, where: (m: MessageOf<C>) => boolean = () => true): Promise<MessageOf<C>> {
  return firstValueFrom(peer.on(command).pipe(filter(where), timeout(within)));
}

const regtest = useRegtestNode({ blocks: 110 });

describe('rxbtc dials bcoin', () => {
  let peer: Peer;
  beforeEach(async () => {
    peer = createPeer(await connectTcp({ host: '127.0.0.1', port: regtest().port, timeout: within }), {
      network,
      services: ServiceFlag.Network | ServiceFlag.Witness,
      pingInterval: 200,
      statsInterval: 50,
      newestBlock: () => ({ hash: zero, height: 0 }),
    });
  });
  afterEach(async () => {
    peer.disconnect();
    await peer.closed;
  });

  it('completes the handshake at bcoin’s protocol version 70015', async () => {
    const n = await peer.handshake;
    expect(n.protocolVersion).toBe(70015);
    expect(n.remote.userAgent).toMatch(/^\/bcoin:v?1\.0\.2\//);
    expect(n.remote.startHeight).toBe(regtest().height);
    expect(hasService(n.remote.services, ServiceFlag.Network)).toBe(true);
    expect(n.witness).toBe(true);
    expect(peer.stats()).toMatchObject({
      startHeight: regtest().height,
      protocolVersion: 70015,
      userAgent: n.remote.userAgent,
      inbound: false,
    });
  });

  it('answers our ping with its pong, and the keep-alive measures latency', async () => {
    await peer.handshake;
    const pong = next(peer, 'pong', (m) => m.nonce === 0xfeedn);
    await peer.send({ command: 'ping', nonce: 0xfeedn });
    expect((await pong).nonce).toBe(0xfeedn);
    const stats = await firstValueFrom(
      peer.stats$.pipe(
        filter((s) => s.lastPingMicros > 0),
        timeout(within),
      ),
    );
    expect(stats.lastPingMicros).toBeLessThan(within * 1000);
  });

  it('getheaders → headers that chain from genesis to bcoin’s tip', async () => {
    await peer.handshake;
    const reply = next(peer, 'headers');
    expect(await peer.pushGetHeaders([genesis], zero)).toBe(true);
    const { headers } = await reply;
    expect(headers).toHaveLength(regtest().height);
    let prev = genesis;
    for (const h of headers) {
      expect(bytesEqual(h.prevBlock, prev)).toBe(true);
      prev = blockHash(h);
    }
    expect(bytesEqual(prev, await regtest().blockHash(regtest().height))).toBe(true);
  });

  it('announces newly mined blocks by inv; getdata → the block, hash and merkle root checked', async () => {
    await peer.handshake;
    const announced = next(peer, 'inv', (m) => m.items.some((i) => i.type === InvType.Block));
    const [mined] = await regtest().mine(1);
    const inv = await announced;
    expect(inv.items.map((i) => i.hash)).toContainEqual(mined);
    const reply = next(peer, 'block');
    await peer.send({ command: 'getdata', items: [{ type: InvType.WitnessBlock, hash: mined! }] });
    const { block } = await reply;
    expect(bytesEqual(blockHash(block.header), mined!)).toBe(true);
    expect(bytesEqual(merkleRoot(block.transactions.map(txid)), block.header.merkleRoot)).toBe(true);
    expect(block.transactions[0]!.inputs[0]!.vout).toBe(0xffffffff); // coinbase
  });

  it('announces by headers after sendheaders', async () => {
    await peer.handshake;
    await peer.send({ command: 'sendheaders' });
    const announced = next(peer, 'headers');
    const [mined] = await regtest().mine(1);
    const { headers } = await announced;
    expect(headers.map(blockHash)).toContainEqual(mined);
  });

  it('announces a mempool transaction by inv; getdata → the transaction with that txid', async () => {
    await peer.handshake;
    const announced = next(peer, 'inv', (m) => m.items.some((i) => i.type === InvType.Tx));
    const id = await regtest().sendTransaction();
    expect((await announced).items.map((i) => i.hash)).toContainEqual(id);
    const reply = next(peer, 'tx');
    await peer.send({ command: 'getdata', items: [{ type: InvType.WitnessTx, hash: id }] });
    expect(bytesEqual(txid((await reply).tx), id)).toBe(true);
  });
});

describe('bcoin dials an rxbtc listener', () => {
  it('completes the handshake both ways (served as v1 by BIP324 detection, the inbound default) and exchanges ping/pong', async () => {
    const listener = await listenTcp({ port: 0 });
    try {
      const accepted = firstValueFrom(listener.connections$.pipe(timeout(within)));
      const bcoinPeer = regtest().dial(listener.port);
      const opened = new Promise<void>((resolve) => bcoinPeer.on('open', resolve));
      const peer = createPeer(await accepted, {
        network,
        inbound: true,
        services: ServiceFlag.Network | ServiceFlag.Witness,
        newestBlock: () => ({ hash: genesis, height: 0 }),
      });
      // bcoin treats us as a sync peer: answer its header requests with "nothing new".
      const seen: Message[] = [];
      peer.messages$.subscribe((m) => {
        seen.push(m);
        if (m.command === 'getheaders') peer.queue({ command: 'headers', headers: [] });
      });
      const n = await peer.handshake;
      await opened;
      expect(bcoinPeer.handshake).toBe(true);
      expect(bcoinPeer.agent).toBe('/rxbtc:0.1.0/');
      expect(n.remote.userAgent).toMatch(/^\/bcoin:v?1\.0\.2\//);
      expect(n.protocolVersion).toBe(70015);
      expect(n.transport).toBe('v1');
      const pong = next(peer, 'pong', (m) => m.nonce === 7n);
      await peer.send({ command: 'ping', nonce: 7n });
      await pong;
      peer.disconnect();
      await peer.closed;
      expect(seen.length).toBeGreaterThan(0);
    } finally {
      await listener.close();
    }
  });
});

describe('rxbtc peers over loopback TCP', () => {
  it('handshake, every message type they send, and a clean disconnect on both sides', async () => {
    const listener = await listenTcp({ port: 0 });
    try {
      const accepted = firstValueFrom(listener.connections$.pipe(timeout(within)));
      // Two nodes that happen to share a process: each gets its own nonce set, or they would see a self-connection.
      const out = createPeer(await connectTcp({ host: '127.0.0.1', port: listener.port }), { network, sentNonces: new MruSet(50) });
      const inb = createPeer(await accepted, { network, inbound: true, sentNonces: new MruSet(50) });
      const [a, b] = await Promise.all([out.handshake, inb.handshake]);
      expect(a.protocolVersion).toBe(70016);
      expect(a.sendAddrV2 && b.sendAddrV2).toBe(true);
      const got = firstValueFrom(inb.messages$.pipe(take(3), toArray(), timeout(within)));
      await out.send({ command: 'getaddr' });
      await out.send({ command: 'inv', items: [{ type: InvType.Tx, hash: genesis }] });
      await out.send({ command: 'getheaders', version: 70016, locator: [genesis], stopHash: zero });
      expect((await got).map((m) => m.command)).toEqual(['getaddr', 'inv', 'getheaders']);
      out.disconnect();
      expect(await out.closed).toEqual({ reason: 'disconnected by the caller' });
      expect((await inb.closed).reason).toMatch(/closed/);
    } finally {
      await listener.close();
    }
  });
});
