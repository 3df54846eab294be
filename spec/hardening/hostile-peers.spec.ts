import { InvType, encodeMessage, networks, type InvVector, type Message } from '../../lib/index.js';
import { eventually, loopbackPair, type LoopbackPair } from '../helpers/loopback.js';
import { fakeHash } from '../helpers/marbles.js';
import { remoteVersion } from '../helpers/scripted-remote.js';
import { advance } from '../helpers/virtual-time.js';

/**
 * Hostile remotes against an rxbtc peer over real loopback TCP. The peer's
 * timers run on a virtual clock; bytes travel through real sockets. Each
 * case checks the outcome and that `closed` resolves.
 */
const network = networks.regtest;
let pair: LoopbackPair;
afterEach(async () => {
  pair.peer.disconnect();
  await pair.peer.closed;
  await pair.close();
});

async function handshake(p: LoopbackPair): Promise<void> {
  const remote = p.remote();
  await remote.next('version');
  await remote.send(remoteVersion());
  await remote.send({ command: 'verack' });
  await p.peer.handshake;
}

describe('a hostile remote', () => {
  it('slowloris: a version one byte per second is cut off by the 30 s negotiate timeout', async () => {
    pair = await loopbackPair();
    const bytes = encodeMessage(network, remoteVersion());
    let sent = 0;
    while (pair.peer.connected && sent < bytes.length) {
      pair.socket.write(bytes.subarray(sent, sent + 1));
      sent++;
      await advance(pair.clock, 1000, 1000);
    }
    const { error } = await pair.peer.closed;
    expect(error).toMatchObject({ code: 'negotiate-timeout' });
    expect(sent).toBeLessThanOrEqual(31);
    expect(sent).toBeLessThan(bytes.length);
  });

  it('silent after the handshake: the unanswered ping stalls at 2 min 45 s; without pings, idle at 5 min', async () => {
    pair = await loopbackPair();
    await handshake(pair);
    pair.socket.pause(); // reads nothing more, answers nothing
    await advance(pair.clock, 164_000, 1000);
    expect(pair.peer.connected).toBe(true);
    await advance(pair.clock, 2_000, 1000);
    expect((await pair.peer.closed).error).toMatchObject({ code: 'stalled', command: 'pong' });
    await pair.close();

    pair = await loopbackPair({ pingInterval: 3_600_000 });
    await handshake(pair);
    await advance(pair.clock, 299_000, 1000);
    expect(pair.peer.connected).toBe(true);
    await advance(pair.clock, 2_000, 1000);
    expect((await pair.peer.closed).error).toMatchObject({ code: 'idle-timeout' });
  });

  it('floods 100,000 inv items: delivered, the known-inventory set stays capped at 1,000, and 50,001 items are refused', async () => {
    pair = await loopbackPair();
    await handshake(pair);
    const items = (from: number): InvVector[] => Array.from({ length: 50_000 }, (_, i) => ({ type: InvType.Tx, hash: fakeHash(from + i) }));
    let delivered = 0;
    pair.peer.on('inv').subscribe((m) => (delivered += m.items.length));
    const remote = pair.remote();
    await remote.send({ command: 'inv', items: items(0) });
    await remote.send({ command: 'inv', items: items(50_000) });
    await eventually(() => delivered === 100_000);
    // Only the last 1,000 are remembered: an early item is announced again, a recent one is not.
    pair.peer.queueInventory({ type: InvType.Tx, hash: fakeHash(5) });
    pair.peer.queueInventory({ type: InvType.Tx, hash: fakeHash(99_999) });
    await advance(pair.clock, 10_000, 1000);
    const inv = await remote.next('inv');
    expect(inv.items.map((i) => i.hash)).toEqual([fakeHash(5)]);
    // One item over the protocol limit is a protocol error, not an allocation.
    const payload = encodeMessage(network, { command: 'inv', items: items(0) }).slice(24);
    payload.set([0xfd, 0x51, 0xc3]); // count 50,001 (one over MAX_INV_PER_MESSAGE), canonical CompactSize
    await remote.sendRaw(encodeMessage(network, { command: 'unknown', rawCommand: 'inv', payload }));
    const { error } = await pair.peer.closed;
    expect(error).toMatchObject({ code: 'limit-exceeded', command: 'inv' });
  });

  it('never reads: writes apply back-pressure, the queue holds at 50, and the peer refuses more', async () => {
    pair = await loopbackPair();
    await handshake(pair);
    pair.socket.pause();
    const big: Message = { command: 'unknown', rawCommand: 'blob', payload: new Uint8Array(1 << 20) };
    const results: string[] = [];
    const sends = Array.from({ length: 80 }, () =>
      pair.peer.send(big).then(
        () => results.push('written'),
        (e: unknown) => results.push((e as { code?: string }).code ?? 'error'),
      ),
    );
    await eventually(() => results.filter((r) => r === 'queue-full').length > 0);
    await new Promise((r) => setTimeout(r, 50));
    const written = results.filter((r) => r === 'written').length;
    expect(results.filter((r) => r === 'queue-full').length).toBeGreaterThan(0);
    expect(written).toBeLessThan(40); // the kernel's socket buffers hold a few MB, not 80
    pair.peer.disconnect('giving up');
    await Promise.all(sends);
    expect(results.filter((r) => r === 'disconnected').length).toBeGreaterThan(0);
    expect(results).toHaveLength(80);
    expect(await pair.peer.closed).toEqual({ reason: 'giving up' });
  });

  it('disconnects mid-message: a truncated frame, and closed resolves', async () => {
    pair = await loopbackPair();
    await handshake(pair);
    const frame = encodeMessage(network, { command: 'ping', nonce: 1n });
    pair.socket.end(frame.subarray(0, 20));
    const { error } = await pair.peer.closed;
    expect(error).toMatchObject({ code: 'truncated' });
  });

  it('speaks before version: reject malformed, then disconnect', async () => {
    pair = await loopbackPair();
    const remote = pair.remote();
    await remote.send({ command: 'getaddr' });
    expect((await pair.peer.closed).error).toMatchObject({ code: 'version-expected' });
    await eventually(() => remote.commands().includes('reject'));
    expect(remote.received.find((m) => m.command === 'reject')).toMatchObject({ message: 'getaddr', code: 0x01 });
  });

  it('sends a second version: reject duplicate, connection kept', async () => {
    pair = await loopbackPair();
    await handshake(pair);
    const remote = pair.remote();
    await remote.send(remoteVersion());
    expect(await remote.next('reject')).toMatchObject({ message: 'version', code: 0x12 });
    expect(pair.peer.connected).toBe(true);
  });

  it('sends a bad checksum or the wrong magic: disconnect with the typed error', async () => {
    pair = await loopbackPair();
    await handshake(pair);
    const frame = encodeMessage(network, { command: 'ping', nonce: 1n });
    frame[20] = (frame[20]! ^ 0xff) & 0xff;
    await pair.remote().sendRaw(frame);
    expect((await pair.peer.closed).error).toMatchObject({ code: 'bad-checksum', command: 'ping' });
    await pair.close();

    pair = await loopbackPair();
    await handshake(pair);
    await pair.remote().sendRaw(encodeMessage(networks.mainnet, { command: 'ping', nonce: 1n }));
    expect((await pair.peer.closed).error).toMatchObject({ code: 'bad-magic' });
  });
});
