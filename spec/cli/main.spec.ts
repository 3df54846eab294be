import { createServer, type Server } from 'node:net';
import { runCli } from '../../lib/cli/main.js';
import { capture } from '../helpers/cli-io.js';
import { connectPeer, connectTcp, createPeer, encodeMessage, listenTcp, MruSet, networks } from '../../lib/index.js';
import { useRegtestNode } from '../helpers/regtest.js';
import { remoteVersion } from '../helpers/scripted-remote.js';

const regtest = useRegtestNode({ blocks: 3 });

describe('rxbtc connect', () => {
  it('prints the handshake, ping latency and live messages as JSON lines, and exits 0 on Ctrl-C', async () => {
    const io = capture();
    const done = runCli(['connect', `127.0.0.1:${regtest().port}`, '--network', 'regtest', '--json'], io);
    await io.until(/"event":"latency"/);
    await regtest().mine(1);
    await io.until(/"command":"inv"/);
    io.stop();
    expect(await done).toBe(0);
    const events = io.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events[0]).toMatchObject({
      event: 'handshake',
      negotiated: 70015,
      startHeight: 3,
      services: expect.arrayContaining(['Network']),
    });
    expect(events.find((e) => e['event'] === 'latency')!['ms']).toBeGreaterThanOrEqual(0);
    expect(events.at(-1)).toMatchObject({ event: 'disconnect', reason: 'interrupted' });
  });

  it('prints pretty lines by default', async () => {
    const io = capture();
    const done = runCli(['connect', `127.0.0.1:${regtest().port}`, '--network', 'regtest'], io);
    await io.until(/ping latency/);
    io.stop();
    expect(await done).toBe(0);
    expect(io.lines[0]).toMatch(
      /127\.0\.0\.1:\d+ handshake: \/bcoin:v?1\.0\.2\/ version 70015 \(negotiated 70015\), services Network,.*height \d+, transport v1$/,
    );
    expect(io.lines.some((l) => /← pong nonce \d+$/.test(l))).toBe(true);
  });

  it('says clearly when the host is unreachable', async () => {
    const probe = createServer();
    const port = await new Promise<number>((r) => probe.listen(0, '127.0.0.1', () => r((probe.address() as { port: number }).port)));
    await new Promise((r) => probe.close(r));
    const io = capture();
    expect(await runCli(['connect', `127.0.0.1:${port}`, '--network', 'regtest'], io)).toBe(1);
    expect(io.errors.join('\n')).toMatch(/ECONNREFUSED/);
  });

  it('names the network when the remote speaks another one (wrong magic)', async () => {
    // A regtest node that speaks first, to a client on mainnet.
    const server: Server = createServer((socket) => socket.end(encodeMessage(networks.regtest, remoteVersion())));
    const port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port)));
    try {
      const io = capture();
      expect(await runCli(['connect', `127.0.0.1:${port}`], io)).toBe(1);
      expect(io.errors.join('\n')).toMatch(
        /wrong network magic 0xdab5bffa \(a regtest message\): the remote is not on mainnet; check --network/,
      );
    } finally {
      server.close();
    }
  });

  it('names the network of a real node on another network (bcoin answers in regtest magic)', async () => {
    const io = capture();
    expect(await runCli(['connect', `127.0.0.1:${regtest().port}`, '--network', 'testnet4'], io)).toBe(1);
    expect(io.errors.join('\n')).toMatch(/\(a regtest message\): the remote is not on testnet4; check --network/);
  });

  it('says the handshake was refused when the remote hangs up without a word', async () => {
    const server: Server = createServer((socket) => socket.once('data', () => socket.destroy()));
    const port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port)));
    try {
      const io = capture();
      expect(await runCli(['connect', `127.0.0.1:${port}`, '--network', 'signet'], io)).toBe(1);
      expect(io.errors.join('\n')).toMatch(/handshake refused: the remote closed the connection.*check --network/);
    } finally {
      server.close();
    }
  });

  it('exits 2 with a usage message on bad arguments', async () => {
    const io = capture();
    expect(await runCli(['connect'], io)).toBe(2);
    expect(io.errors[0]).toMatch(/connect needs HOST/);
  });
});

describe('rxbtc listen', () => {
  it('accepts inbound peers and prints their handshake and messages', async () => {
    const io = capture();
    const done = runCli(['listen', '--port', '0', '--network', 'regtest'], io);
    await io.until(/^listening on 127\.0\.0\.1:\d+/);
    const port = Number(/:(\d+)/.exec(io.lines[0]!)![1]);
    const peer = createPeer(await connectTcp({ host: '127.0.0.1', port }), { network: networks.regtest, sentNonces: new MruSet(50) });
    await peer.handshake;
    await peer.send({ command: 'getaddr' });
    await io.until(/← getaddr/);
    io.stop();
    expect(await done).toBe(0);
    expect((await peer.closed).reason).toMatch(/closed/);
    expect(io.lines.some((l) => l.includes(' handshake: /rxbtc:0.1.0/ version 70016 (negotiated 70016)'))).toBe(true);
  });

  it('serves v1 and v2 on one port and prints the transport and session id (JSON)', async () => {
    // The clients keep their own nonce sets: in one process they would otherwise look like a self-connection.
    const listening = capture();
    const done = runCli(['listen', '--port', '0', '--network', 'regtest', '--json'], listening);
    await listening.until(/"event":"listening"/);
    const port = (JSON.parse(listening.lines[0]!) as { port: number }).port;
    const v2 = await connectPeer({ host: '127.0.0.1', port, network: networks.regtest, transport: 'v2', sentNonces: new MruSet(50) });
    const v1 = await connectPeer({ host: '127.0.0.1', port, network: networks.regtest, transport: 'v1', sentNonces: new MruSet(50) });
    await listening.until(/"event":"handshake".*"transport":"v1"/);
    await listening.until(/"event":"handshake".*"transport":"v2"/);
    const sessionId = (await v2.handshake).sessionId;
    expect(sessionId).toMatch(/^[0-9a-f]{64}$/);
    expect(listening.lines.some((l) => l.includes(`"sessionId":"${sessionId}"`))).toBe(true);
    listening.stop();
    expect(await done).toBe(0);
    await Promise.all([v1.closed, v2.closed]);
  });
});

describe('rxbtc connect --transport', () => {
  async function rxbtcListener(): Promise<{ port: number; sessionIds: Promise<string | undefined>[]; close: () => Promise<void> }> {
    const listener = await listenTcp({ port: 0 });
    const sessionIds: Promise<string | undefined>[] = [];
    listener.connections$.subscribe((c) => {
      const peer = createPeer(c, { network: networks.regtest, inbound: true, sentNonces: new MruSet(50) });
      sessionIds.push(peer.handshake.then((n) => n.sessionId));
    });
    return { port: listener.port, sessionIds, close: () => listener.close() };
  }

  it('v2 prints the transport and the session id the remote has', async () => {
    const remote = await rxbtcListener();
    const io = capture();
    const done = runCli(['connect', `127.0.0.1:${remote.port}`, '--network', 'regtest', '--transport', 'v2', '--json'], io);
    await io.until(/"event":"handshake"/);
    const line = JSON.parse(io.lines.find((l) => l.includes('"handshake"'))!) as { transport: string; sessionId: string };
    expect(line.transport).toBe('v2');
    expect(line.sessionId).toBe(await remote.sessionIds[0]);
    io.stop();
    expect(await done).toBe(0);
    await remote.close();
  });

  it('auto against bcoin (v1 only) ends on v1 with one handshake line and no error', async () => {
    const io = capture();
    const done = runCli(['connect', `127.0.0.1:${regtest().port}`, '--network', 'regtest'], io);
    await io.until(/handshake: .*transport v1$/);
    await io.until(/ping latency/);
    io.stop();
    expect(await done).toBe(0);
    expect(io.errors).toEqual([]);
    expect(io.lines.filter((l) => l.includes('handshake:'))).toHaveLength(1);
  });
});
