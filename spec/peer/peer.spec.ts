import { config as rxConfig } from 'rxjs';
import {
  InvType,
  MruSet,
  PeerError,
  ServiceFlag,
  createPeer,
  encodeMessage,
  memoryPair,
  networks,
  type Message,
  type Peer,
  type PeerConfig,
} from '../../lib/index.js';
import { scriptedRemote, remoteVersion, type ScriptedRemote } from '../helpers/scripted-remote.js';
import { advance, settle, virtualClock } from '../helpers/virtual-time.js';
import { fakeHash } from '../helpers/marbles.js';

const network = networks.regtest;
const hash = fakeHash;

/** An rxbtc peer against a scripted remote, on a virtual clock. */
function setup(config: Partial<PeerConfig> = {}): { peer: Peer; remote: ScriptedRemote; clock: ReturnType<typeof virtualClock> } {
  const clock = virtualClock();
  const [local, far] = memoryPair();
  const peer = createPeer(local, { network, scheduler: clock, sentNonces: new MruSet(50), ...config });
  return { peer, remote: scriptedRemote(far, network), clock };
}

/** Complete the handshake from the remote side of an outbound peer. */
async function handshakeWith(remote: ScriptedRemote, version = remoteVersion(), extra: Message[] = []): Promise<void> {
  await remote.next('version');
  await remote.send(version);
  for (const m of extra) await remote.send(m);
  await remote.send({ command: 'verack' });
  await settle();
}

describe('two rxbtc peers', () => {
  it('complete the handshake over a memory pair and exchange messages both ways', async () => {
    const clock = virtualClock();
    const nonces = [new MruSet<bigint>(50), new MruSet<bigint>(50)];
    const [a, b] = memoryPair();
    const out = createPeer(a, {
      network,
      scheduler: clock,
      sentNonces: nonces[0]!,
      services: ServiceFlag.Witness,
      userAgent: { name: 'alice', version: '1.0' },
    });
    const inb = createPeer(b, {
      network,
      scheduler: clock,
      sentNonces: nonces[1]!,
      inbound: true,
      newestBlock: () => ({ hash: hash(1), height: 77 }),
    });
    const [na, nb] = await Promise.all([out.handshake, inb.handshake]);
    expect(na.protocolVersion).toBe(70016);
    expect(nb.protocolVersion).toBe(70016);
    expect(na.sendAddrV2 && nb.sendAddrV2).toBe(true);
    expect(nb.remote.userAgent).toBe('/rxbtc:0.1.0/alice:1.0/');
    expect(nb.witness).toBe(true);
    expect(out.stats()).toMatchObject({
      startHeight: 77,
      lastBlock: 77,
      protocolVersion: 70016,
      handshakeComplete: true,
      wantsAddrV2: true,
      inbound: false,
    });

    const seen: string[] = [];
    const seen2: string[] = [];
    inb.messages$.subscribe((m) => seen.push(m.command));
    inb.on('inv').subscribe((m) => seen2.push(`inv:${m.items.length}`));
    await out.send({ command: 'inv', items: [{ type: InvType.Tx, hash: hash(5) }] });
    await out.send({ command: 'getheaders', version: 70016, locator: [hash(1)], stopHash: new Uint8Array(32) });
    await settle();
    expect(seen).toEqual(['inv', 'getheaders']);
    expect(seen2).toEqual(['inv:1']);
    expect(inb.stats().bytesReceived).toBe(out.stats().bytesSent);

    out.disconnect('done');
    expect(await out.closed).toEqual({ reason: 'done' });
    expect((await inb.closed).reason).toMatch(/closed/);
    expect(inb.connected).toBe(false);
  });

  it('ping each other every 2 minutes and record the latency', async () => {
    const clock = virtualClock();
    const [a, b] = memoryPair();
    const out = createPeer(a, { network, scheduler: clock, sentNonces: new MruSet(50) });
    const inb = createPeer(b, { network, scheduler: clock, sentNonces: new MruSet(50), inbound: true });
    await Promise.all([out.handshake, inb.handshake]);
    const pongs: bigint[] = [];
    out.on('pong').subscribe((m) => pongs.push(m.nonce));
    await advance(clock, 119_000);
    expect(pongs).toHaveLength(0);
    await advance(clock, 2_000);
    expect(pongs).toHaveLength(1);
    expect(out.stats().lastPingNonce).toBe(0n);
    expect(out.stats().lastPingTime).toBe(120_000);
    await advance(clock, 240_000);
    expect(pongs).toHaveLength(3);
    expect(new Set(pongs).size).toBe(3);
    expect(out.connected && inb.connected).toBe(true);
    out.disconnect();
    await inb.closed;
  });
});

describe('outbound peer against a scripted remote', () => {
  it('follows btcd order: version, then sendaddrv2 and verack after the remote version', async () => {
    const { peer, remote } = setup();
    await remote.next('version');
    expect(remote.commands()).toEqual(['version']);
    await remote.send(remoteVersion());
    await remote.next('verack');
    expect(remote.commands()).toEqual(['version', 'sendaddrv2', 'verack']);
    await remote.send({ command: 'wtxidrelay' });
    await remote.send({ command: 'unknown', rawCommand: 'sendtxrcncl', payload: new Uint8Array(12) });
    await remote.send({ command: 'sendaddrv2' });
    await remote.send({ command: 'verack' });
    const n = await peer.handshake;
    expect(n).toMatchObject({ protocolVersion: 70016, sendAddrV2: true, wtxidRelay: true, witness: true });
    expect(peer.stats()).toMatchObject({ services: 9n, userAgent: '/scripted:1.0/', startHeight: 1000, wtxidRelay: true });
    peer.disconnect();
  });

  it('negotiates down to the remote version and skips sendaddrv2 below 70016', async () => {
    const { peer, remote } = setup();
    await handshakeWith(remote, remoteVersion({ version: 70015 }));
    expect((await peer.handshake).protocolVersion).toBe(70015);
    expect(remote.commands()).toEqual(['version', 'verack']);
    peer.disconnect();
  });

  it('rejects and disconnects a remote below version 209 (unsupported version)', async () => {
    const { peer, remote } = setup();
    await remote.next('version');
    await remote.send(remoteVersion({ version: 208 }));
    await expect(peer.handshake).rejects.toMatchObject({ code: 'obsolete-version' });
    const reject = await remote.next('reject');
    expect(reject).toMatchObject({ message: 'version', code: 0x11, reason: 'protocol version must be 209 or greater' });
    expect((await peer.closed).error).toBeInstanceOf(PeerError);
  });

  it('rejects a first message that is not version as malformed and disconnects', async () => {
    const { peer, remote } = setup();
    await remote.next('version');
    await remote.send({ command: 'ping', nonce: 1n });
    await expect(peer.handshake).rejects.toMatchObject({ code: 'version-expected' });
    expect(await remote.next('reject')).toMatchObject({ message: 'ping', code: 0x01, reason: 'a version message must precede all others' });
    await peer.closed;
  });

  it('fails a handshake with a non-handshake message before verack', async () => {
    const { peer, remote } = setup();
    await remote.next('version');
    await remote.send(remoteVersion());
    await remote.send({ command: 'getaddr' });
    await expect(peer.handshake).rejects.toMatchObject({ code: 'invalid-handshake', command: 'getaddr' });
  });

  it('times out a handshake after 30 s of virtual time, not before', async () => {
    const { peer, remote, clock } = setup();
    await remote.next('version');
    await advance(clock, 29_500);
    expect(peer.connected).toBe(true);
    await advance(clock, 1_000);
    expect(peer.connected).toBe(false);
    await expect(peer.handshake).rejects.toMatchObject({ code: 'negotiate-timeout' });
  });

  it('answers a duplicate version or verack with reject duplicate and stays connected', async () => {
    const { peer, remote } = setup();
    await handshakeWith(remote);
    await remote.send(remoteVersion());
    expect(await remote.next('reject')).toMatchObject({ message: 'version', code: 0x12, reason: 'duplicate version message' });
    await remote.send({ command: 'verack' });
    await settle();
    expect(remote.received.filter((m) => m.command === 'reject')).toHaveLength(2);
    expect(peer.connected).toBe(true);
    peer.disconnect();
  });

  it('disconnects a remote that sends sendaddrv2 after verack', async () => {
    const { peer, remote } = setup();
    await handshakeWith(remote);
    await remote.send({ command: 'sendaddrv2' });
    expect((await peer.closed).error).toMatchObject({ code: 'protocol-violation', command: 'sendaddrv2' });
  });

  it('holds messages sent before the handshake until it completes, then writes them in order', async () => {
    const { peer, remote } = setup();
    const sends = [peer.send({ command: 'getaddr' }), peer.send({ command: 'mempool' })];
    await remote.next('version');
    await settle();
    expect(remote.commands()).toEqual(['version']);
    await handshakeWith(remote);
    await Promise.all(sends);
    expect(remote.commands()).toEqual(['version', 'sendaddrv2', 'verack', 'getaddr', 'mempool']);
    peer.disconnect();
  });

  it('answers pings with pongs and records ping latency in virtual time', async () => {
    const { peer, remote, clock } = setup();
    await handshakeWith(remote);
    await remote.send({ command: 'ping', nonce: 99n });
    expect(await remote.next('pong')).toEqual({ command: 'pong', nonce: 99n });
    await advance(clock, 120_000);
    const ping = await remote.next('ping');
    expect(peer.stats().lastPingNonce).toBe(ping.nonce);
    await advance(clock, 250);
    await remote.send({ command: 'pong', nonce: ping.nonce });
    await settle();
    expect(peer.stats().lastPingMicros).toBe(250_000);
    expect(peer.stats().lastPingNonce).toBe(0n);
    peer.disconnect();
  });

  it('disconnects after 5 minutes without any message (idle), not before', async () => {
    const { peer, remote, clock } = setup({ pingInterval: 3_600_000 });
    await handshakeWith(remote);
    await advance(clock, 299_000);
    expect(peer.connected).toBe(true);
    await remote.send({ command: 'getaddr' });
    await advance(clock, 299_000);
    expect(peer.connected).toBe(true);
    await advance(clock, 2_000);
    expect((await peer.closed).error).toMatchObject({ code: 'idle-timeout' });
  });

  it('detects a stalled getheaders at the first 15 s tick after its 30 s deadline', async () => {
    const { peer, remote, clock } = setup();
    await handshakeWith(remote);
    await peer.send({ command: 'getheaders', version: 70016, locator: [hash(1)], stopHash: new Uint8Array(32) });
    await advance(clock, 44_000);
    expect(peer.connected).toBe(true);
    await advance(clock, 1_500);
    expect((await peer.closed).error).toMatchObject({ code: 'stalled', command: 'headers' });
  });

  it('clears a deadline when the reply arrives, and counts handler time as the local side’s', async () => {
    const { peer, remote, clock } = setup();
    await handshakeWith(remote);
    // A handler that takes 40 s of (virtual) time.
    peer.on('addr').subscribe(() => {
      clock.frame += 40_000;
    });
    await peer.send({ command: 'getdata', items: [{ type: InvType.Block, hash: hash(2) }] });
    await advance(clock, 20_000);
    await remote.send({ command: 'addr', addresses: [] });
    // Deadline was 30 s; the 40 s handler pushed it to 70 s. Now at 60 s.
    expect(clock.frame).toBeGreaterThanOrEqual(60_000);
    await advance(clock, 5_000);
    expect(peer.connected).toBe(true);
    await remote.send({ command: 'notfound', items: [{ type: InvType.Block, hash: hash(2) }] });
    await advance(clock, 60_000);
    expect(peer.connected).toBe(true);
    peer.disconnect();
  });

  it('trickles queued inventory every 10 s in batches of at most 1000, never announcing known items', async () => {
    const { peer, remote, clock } = setup();
    await handshakeWith(remote);
    await remote.send({ command: 'inv', items: [{ type: InvType.Tx, hash: hash(7) }] });
    await settle();
    for (let i = 0; i < 2500; i++) peer.queueInventory({ type: InvType.Tx, hash: hash(i) });
    peer.queueInventory({ type: InvType.Tx, hash: hash(3) }); // duplicate
    peer.addKnownInventory({ type: InvType.Tx, hash: hash(8) });
    await advance(clock, 9_500);
    expect(remote.commands().filter((c) => c === 'inv')).toHaveLength(0);
    await advance(clock, 1_000);
    const invs = remote.received.filter((m): m is Extract<Message, { command: 'inv' }> => m.command === 'inv');
    expect(invs.map((m) => m.items.length)).toEqual([1000, 1000, 498]);
    const sent = invs.flatMap((m) => m.items.map((i) => i.hash[0]! | (i.hash[1]! << 8)));
    expect(new Set(sent).size).toBe(2498);
    expect(sent).not.toContain(7);
    expect(sent).not.toContain(8);
    // Sent items are now known; the known set is an MRU of 1000, so only the
    // most recent 1000 are remembered (as in btcd).
    peer.queueInventory({ type: InvType.Tx, hash: hash(2499) });
    peer.queueInventory({ type: InvType.Tx, hash: hash(9) });
    await advance(clock, 10_000);
    const later = remote.received.filter((m): m is Extract<Message, { command: 'inv' }> => m.command === 'inv').slice(3);
    expect(later.map((m) => m.items.map((i) => i.hash[0]))).toEqual([[9]]);
    peer.disconnect();
  });

  it('does not send an identical consecutive getheaders or getblocks twice', async () => {
    const { peer, remote } = setup();
    await handshakeWith(remote);
    const zero = new Uint8Array(32);
    expect(await peer.pushGetHeaders([hash(1), hash(0)], zero)).toBe(true);
    expect(await peer.pushGetHeaders([hash(1)], zero)).toBe(false);
    expect(await peer.pushGetHeaders([hash(1)], hash(5))).toBe(true);
    expect(await peer.pushGetBlocks([hash(1)], zero)).toBe(true);
    expect(await peer.pushGetBlocks([hash(1)], zero)).toBe(false);
    await settle();
    expect(remote.commands().slice(3)).toEqual(['getheaders', 'getheaders', 'getblocks']);
    peer.disconnect();
  });

  it('pushes at most 1000 addresses, a shuffled choice, and never repeats known ones', async () => {
    const { peer, remote } = setup();
    await handshakeWith(remote);
    const addrs = Array.from({ length: 1500 }, (_, i) => ({
      timestamp: 1,
      services: 1n,
      ip: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 10, 0, i >> 8, i & 255),
      port: 8333,
    }));
    const first = await peer.pushAddr(addrs);
    expect(first).toHaveLength(1000);
    const firstIds = first.map((a) => a.ip[14]! * 256 + a.ip[15]!);
    expect(new Set(firstIds).size).toBe(1000);
    expect(firstIds).not.toEqual([...firstIds].sort((x, y) => x - y)); // shuffled, not the first 1000
    const second = await peer.pushAddr(addrs);
    expect(second).toHaveLength(500);
    expect(await peer.pushAddr(addrs)).toHaveLength(0);
    await settle();
    expect(remote.received.filter((m) => m.command === 'addr')).toHaveLength(2);
    peer.disconnect();
  });

  it('keeps the highest known block height (last block height updates)', async () => {
    const { peer, remote } = setup();
    await handshakeWith(remote, remoteVersion({ startHeight: 234439 }));
    expect(peer.stats().lastBlock).toBe(234439);
    peer.updateLastBlockHeight(234440);
    expect(peer.stats().lastBlock).toBe(234440);
    peer.updateLastBlockHeight(234000);
    expect(peer.stats().lastBlock).toBe(234440);
    peer.updateLastAnnouncedBlock(hash(3));
    expect(peer.lastAnnouncedBlock).toEqual(hash(3));
    peer.disconnect();
  });

  it('records sendheaders and feefilter in stats and delivers every message type to its listener', async () => {
    const { peer, remote } = setup();
    await handshakeWith(remote);
    const seen: string[] = [];
    const messages: Message[] = [
      { command: 'sendheaders' },
      { command: 'feefilter', feeRate: 1000n },
      { command: 'getaddr' },
      { command: 'addr', addresses: [] },
      { command: 'inv', items: [] },
      { command: 'getdata', items: [] },
      { command: 'notfound', items: [] },
      { command: 'getblocks', version: 1, locator: [], stopHash: new Uint8Array(32) },
      { command: 'getheaders', version: 1, locator: [], stopHash: new Uint8Array(32) },
      { command: 'headers', headers: [] },
      { command: 'mempool' },
      { command: 'reject', message: 'tx', code: 0x10, reason: 'bad' },
      { command: 'sendcmpct', announce: false, version: 2n },
      { command: 'getcfilters', filterType: 0, startHeight: 0, stopHash: new Uint8Array(32) },
      { command: 'unknown', rawCommand: 'sendtxrcncl', payload: new Uint8Array(4) },
    ];
    for (const m of messages) peer.on(m.command).subscribe(() => seen.push(m.command));
    for (const m of messages) await remote.send(m);
    await settle();
    expect(seen).toEqual(messages.map((m) => m.command));
    expect(peer.stats()).toMatchObject({ wantsHeaders: true, feeFilter: 1000n });
    peer.disconnect();
  });

  it('gates messages below their protocol version without delivering them', async () => {
    const { peer, remote } = setup();
    await handshakeWith(remote, remoteVersion({ version: 70011 }));
    const seen: string[] = [];
    peer.messages$.subscribe((m) => seen.push(m.command));
    await remote.send({ command: 'sendheaders' });
    await remote.send({ command: 'feefilter', feeRate: 5n });
    await remote.send({ command: 'getaddr' });
    await settle();
    expect(seen).toEqual(['getaddr']);
    expect(peer.connected).toBe(true);
    peer.disconnect();
  });

  it('disconnects on bloom commands at ≥ 70011 without NODE_BLOOM, ignores them below, delivers them with it', async () => {
    const load: Message = { command: 'filterload', filter: new Uint8Array(8), hashFuncs: 3, tweak: 0, flags: 0 };
    {
      const { peer, remote } = setup();
      await handshakeWith(remote, remoteVersion({ version: 70011 }));
      await remote.send(load);
      expect((await peer.closed).error).toMatchObject({ code: 'protocol-violation', command: 'filterload' });
    }
    {
      const { peer, remote } = setup();
      await handshakeWith(remote, remoteVersion({ version: 70010 }));
      const seen: string[] = [];
      peer.messages$.subscribe((m) => seen.push(m.command));
      await remote.send(load);
      await remote.send({ command: 'filterclear' });
      await remote.send({ command: 'getaddr' });
      await settle();
      expect(seen).toEqual(['getaddr']);
      expect(peer.connected).toBe(true);
      peer.disconnect();
    }
    {
      const { peer, remote } = setup({ services: ServiceFlag.Bloom });
      await handshakeWith(remote);
      const got = peer.on('filterload');
      const seen: Message[] = [];
      got.subscribe((m) => seen.push(m));
      await remote.send(load);
      await settle();
      expect(seen).toHaveLength(1);
      peer.disconnect();
    }
  });

  it('answers a malformed message with reject malformed, then disconnects with the ProtocolError', async () => {
    const { peer, remote } = setup();
    await handshakeWith(remote);
    // an inv whose count claims 10,000 items but carries none
    await remote.sendRaw(encodeMessage(network, { command: 'unknown', rawCommand: 'inv', payload: Uint8Array.of(0xfd, 0x10, 0x27) }));
    const reject = await remote.next('reject');
    expect(reject).toMatchObject({ message: 'inv', code: 0x01 });
    expect((await peer.closed).error).toMatchObject({ name: 'ProtocolError', code: 'malformed', command: 'inv' });
  });

  it('disconnects on the wrong network magic without sending a reject', async () => {
    const { peer, remote } = setup();
    await handshakeWith(remote);
    await remote.sendRaw(encodeMessage(networks.mainnet, { command: 'getaddr' }));
    expect((await peer.closed).error).toMatchObject({ code: 'bad-magic' });
  });

  it('keeps running when a subscriber throws, and other subscribers still get every message', async () => {
    const reported: unknown[] = [];
    const previous = rxConfig.onUnhandledError;
    rxConfig.onUnhandledError = (e) => reported.push(e);
    try {
      const { peer, remote } = setup();
      await handshakeWith(remote);
      const seen: string[] = [];
      peer.messages$.subscribe(() => {
        throw new Error('handler bug');
      });
      peer.messages$.subscribe((m) => seen.push(m.command));
      await remote.send({ command: 'getaddr' });
      await remote.send({ command: 'mempool' });
      await settle();
      // rxjs reports a subscriber's error on a timer, outside the peer.
      await new Promise((r) => setTimeout(r, 5));
      expect(seen).toEqual(['getaddr', 'mempool']);
      expect(peer.connected).toBe(true);
      expect(reported).toEqual([new Error('handler bug'), new Error('handler bug')]);
      peer.disconnect();
    } finally {
      rxConfig.onUnhandledError = previous;
    }
  });

  it('rejects sends after disconnect and never sends a reject then', async () => {
    const { peer, remote } = setup();
    await handshakeWith(remote);
    peer.disconnect('bye');
    await expect(peer.send({ command: 'getaddr' })).rejects.toMatchObject({ code: 'disconnected' });
    await peer.pushReject('tx', 0x10, 'late');
    await settle();
    expect(remote.commands()).not.toContain('reject');
    expect(await peer.closed).toEqual({ reason: 'bye' });
  });
});

describe('self connection', () => {
  it('is detected when a peer in this process receives a nonce this process sent', async () => {
    const clock = virtualClock();
    const shared = new MruSet<bigint>(50);
    const [a, b] = memoryPair();
    const out = createPeer(a, { network, scheduler: clock, sentNonces: shared });
    const inb = createPeer(b, { network, scheduler: clock, sentNonces: shared, inbound: true });
    await expect(inb.handshake).rejects.toMatchObject({ code: 'self-connection' });
    await out.closed;
    await inb.closed;
  });

  it('is allowed with allowSelfConnection', async () => {
    const clock = virtualClock();
    const shared = new MruSet<bigint>(50);
    const [a, b] = memoryPair();
    const out = createPeer(a, { network, scheduler: clock, sentNonces: shared, allowSelfConnection: true });
    const inb = createPeer(b, { network, scheduler: clock, sentNonces: shared, inbound: true, allowSelfConnection: true });
    await Promise.all([out.handshake, inb.handshake]);
    out.disconnect();
  });
});

describe('createPeer config', () => {
  it('validates eagerly', () => {
    const [a] = memoryPair();
    expect(() => createPeer(a, { network, pingInterval: -1 })).toThrow(RangeError);
    expect(() => createPeer(a, { network: {} as typeof network })).toThrow(TypeError);
    expect(() => createPeer(a, { network, userAgent: { name: 'bad/name', version: '1' } })).toThrow(TypeError);
  });
});
