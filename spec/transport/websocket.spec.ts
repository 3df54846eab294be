import { createServer } from 'node:http';
import { firstValueFrom } from 'rxjs';
import { WebSocket, WebSocketServer } from 'ws';
import {
  MruSet,
  TransportError,
  connectWebSocket,
  createPeer,
  listenTcp,
  keyExchangeFailed,
  networks,
  peer$,
  startBridge,
  type Bridge,
  type Listener,
  type Peer,
  type WebSocketConstructor,
} from '../../lib/index.js';
import { parseCli } from '../../lib/cli/args.js';
import { runCli } from '../../lib/cli/main.js';
import { capture } from '../helpers/cli-io.js';
import { useRegtestNode } from '../helpers/regtest.js';

const network = networks.regtest;

/** Open a raw `ws` client and resolve with how the server closed it. */
function closeOf(url: string, headers: Record<string, string> = {}): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('error', () => undefined);
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
}

/** An rxbtc node on 127.0.0.1 that handshakes with whoever connects (v1 or v2, detected). */
async function rxbtcListener(): Promise<Listener> {
  const listener = await listenTcp({ host: '127.0.0.1' });
  listener.connections$.subscribe(
    (c) => void createPeer(c, { network, inbound: true, sentNonces: new MruSet(50) }).handshake.catch(() => undefined),
  );
  return listener;
}

describe('connectWebSocket against a ws server', () => {
  let server: WebSocketServer;
  let port: number;
  beforeAll(async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as { port: number }).port;
    server.on('connection', (ws, req) => {
      if (req.url === '/reject') ws.close(4000, 'go away');
      else ws.on('message', (d: Buffer) => ws.send(Buffer.concat([d, Buffer.from([0xff])])));
    });
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('carries binary messages both ways, buffers until read, and completes on a normal close', async () => {
    const c = await connectWebSocket(`ws://127.0.0.1:${port}/`);
    await c.write(Uint8Array.of(1, 2, 3));
    await new Promise((r) => setTimeout(r, 50)); // the echo arrives before anyone reads
    const got: number[][] = [];
    const done = new Promise<void>((resolve) => c.bytes$.subscribe({ next: (b) => got.push([...b]), complete: resolve }));
    await c.write(Uint8Array.of(9));
    await new Promise((r) => setTimeout(r, 50));
    c.close();
    await done;
    await c.closed;
    expect(got).toEqual([
      [1, 2, 3, 0xff],
      [9, 0xff],
    ]);
    await expect(c.write(Uint8Array.of(1))).rejects.toMatchObject({ code: 'closed' });
  });

  it('errors bytes$ with the close code and reason when the server closes abnormally', async () => {
    const c = await connectWebSocket(`ws://127.0.0.1:${port}/reject`);
    await expect(new Promise((_, reject) => c.bytes$.subscribe({ error: reject }))).rejects.toThrow('4000 go away');
  });

  it('rejects with a typed error when nothing listens', async () => {
    const dead = await connectWebSocket('ws://127.79.0.1:9/').catch((e: unknown) => e);
    expect(dead).toBeInstanceOf(TransportError);
    expect(dead).toMatchObject({ code: 'connect-failed' });
  });
});

describe('rxbtc bridge (startBridge)', () => {
  const node = useRegtestNode({ blocks: 2 });
  let listener: Listener;
  let accepted = 0;
  let bridge: Bridge;
  const logs: string[] = [];
  beforeAll(async () => {
    listener = await listenTcp({ host: '127.0.0.1' });
    listener.connections$.subscribe((c) => {
      accepted++;
      createPeer(c, {
        network,
        inbound: true,
        sentNonces: new MruSet(50),
        userAgent: { name: 'bridged-rxbtc', version: '1.0' },
      }).handshake.catch(() => undefined);
    });
    bridge = await startBridge({
      port: 0,
      allow: [`127.0.0.1:${listener.port}`, `127.0.0.1:${node().port}`],
      origins: ['http://127.0.0.1:8000'],
      maxPerIp: 3,
      log: (l) => logs.push(l),
    });
  });
  afterAll(async () => {
    await bridge.close();
    await listener.close();
  });
  /** The ws package's class with the allowed page's Origin header, as a browser on that page would send it. */
  class FromPage extends WebSocket {
    constructor(url: string) {
      super(url, { headers: { origin: 'http://127.0.0.1:8000' } });
    }
  }
  const origin = { WebSocket: FromPage as unknown as WebSocketConstructor };

  it('lets createPeer handshake through it, unchanged, with rxbtc (v2) and with bcoin (v1)', async () => {
    const c = await connectWebSocket(`ws://127.0.0.1:${bridge.port}/127.0.0.1:${listener.port}`, origin);
    const peer = createPeer(c, { network, transport: 'v2', sentNonces: new MruSet(50) });
    const n = await peer.handshake;
    expect(n.remote.userAgent).toMatch(/bridged-rxbtc:1\.0/);
    expect(peer.stats().transport).toBe('v2');
    peer.disconnect();

    const b = await connectWebSocket(`ws://127.0.0.1:${bridge.port}/127.0.0.1:${node().port}`, origin);
    const bcoin = createPeer(b, { network, transport: 'v1', sentNonces: new MruSet(50) });
    expect((await bcoin.handshake).remote.userAgent).toMatch(/bcoin/);
    const headers = firstValueFrom(bcoin.on('headers'));
    await bcoin.send({
      command: 'getheaders',
      version: 70016,
      locator: [Uint8Array.from(Buffer.from(network.genesisHash, 'hex').reverse())],
      stopHash: new Uint8Array(32),
    });
    expect((await headers).headers).toHaveLength(2); // bcoin's two regtest blocks, through the bridge
    bcoin.disconnect();
  });

  it('peer$({ url }) opens a peer through it: v2 with rxbtc, v2 then v1 with bcoin (auto), unsubscribing disconnects', async () => {
    const rx = await firstValueFrom(
      peer$({ url: `ws://127.0.0.1:${bridge.port}/127.0.0.1:${listener.port}`, ...origin, network, sentNonces: new MruSet(50) }),
    );
    expect(rx.stats().transport).toBe('v2');
    expect((await rx.closed).reason).toBe('unsubscribed'); // firstValueFrom unsubscribed after the peer

    const opened: Peer[] = [];
    const url = `ws://127.0.0.1:${bridge.port}/127.0.0.1:${node().port}`;
    const bcoin = await firstValueFrom(peer$({ url, ...origin, network, sentNonces: new MruSet(50), onPeer: (p) => opened.push(p) }));
    expect(opened).toHaveLength(2); // bcoin 1.0.2 speaks v1 only: the v2 attempt failed before its key exchange
    expect(keyExchangeFailed(opened[0]!)).toBe(true);
    expect(opened[1]).toBe(bcoin);
    expect(bcoin.stats().transport).toBe('v1');
    expect((await bcoin.handshake).remote.userAgent).toMatch(/bcoin/);
    await bcoin.closed;
  });

  it('refuses a target not allowed with 1008, a log line, and no TCP connection', async () => {
    const before = accepted;
    const other = await listenTcp({ host: '127.0.0.1' });
    let reached = 0;
    other.connections$.subscribe(() => reached++);
    expect(await closeOf(`ws://127.0.0.1:${bridge.port}/127.0.0.1:${other.port}`, { origin: 'http://127.0.0.1:8000' })).toEqual({
      code: 1008,
      reason: 'target not allowed',
    });
    expect(await closeOf(`ws://127.0.0.1:${bridge.port}/`, { origin: 'http://127.0.0.1:8000' })).toMatchObject({ code: 1008 }); // two targets: / is ambiguous
    await new Promise((r) => setTimeout(r, 100));
    expect(reached).toBe(0);
    expect(accepted).toBe(before);
    expect(logs.some((l) => l.includes(`127.0.0.1:${other.port}: target not allowed`))).toBe(true);
    await other.close();
  });

  it('refuses a page from another origin, or none, with 1008', async () => {
    const url = `ws://127.0.0.1:${bridge.port}/127.0.0.1:${listener.port}`;
    expect(await closeOf(url, { origin: 'http://evil.example' })).toEqual({ code: 1008, reason: 'origin http://evil.example not allowed' });
    expect(await closeOf(url)).toEqual({ code: 1008, reason: 'origin (none) not allowed' });
  });

  it('refuses connections beyond the per-IP limit with 1013, and accepts again once one closes', async () => {
    const url = `ws://127.0.0.1:${bridge.port}/127.0.0.1:${listener.port}`;
    const open = await Promise.all([0, 1, 2].map(() => connectWebSocket(url, origin)));
    await new Promise((r) => setTimeout(r, 100));
    expect(await closeOf(url, { origin: 'http://127.0.0.1:8000' })).toEqual({
      code: 1013,
      reason: 'more than 3 connections from 127.0.0.1',
    });
    open[0]!.close();
    await open[0]!.closed;
    await new Promise((r) => setTimeout(r, 100));
    const again = await connectWebSocket(url, origin);
    again.close();
    for (const c of open.slice(1)) c.close();
  });

  it('closes the WebSocket with 1011 when the target refuses the connection', async () => {
    const dead = await startBridge({ port: 0, allow: ['127.79.0.1:9'] });
    expect((await closeOf(`ws://127.0.0.1:${dead.port}/`)).code).toBe(1011);
    await dead.close();
  });
});

describe('startBridge on an existing HTTP server (one port for a page and its bridge)', () => {
  it('takes the WebSocket upgrades, leaves plain requests to the server, and close() leaves the server listening', async () => {
    const listener = await rxbtcListener();
    const http = createServer((_, res) => res.end('page'));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const port = (http.address() as { port: number }).port;
    const bridge = await startBridge({ server: http, allow: [`127.0.0.1:${listener.port}`] });
    expect(bridge.port).toBe(port);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('page');
    const peer = createPeer(await connectWebSocket(`ws://127.0.0.1:${port}/`), { network, transport: 'v2', sentNonces: new MruSet(50) });
    expect((await peer.handshake).transport).toBe('v2');
    expect((await closeOf(`ws://127.0.0.1:${port}/127.0.0.1:1`)).code).toBe(1008); // its refusals are the same
    await bridge.close();
    expect((await peer.closed).error).toBeInstanceOf(TransportError); // bridged connections are closed…
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('page'); // …and the page is still served
    http.closeAllConnections();
    await new Promise((r) => http.close(r));
    await listener.close();
  });
});

describe('rxbtc bridge (the command)', () => {
  it('prints where it listens, bridges an allowed target, logs a refused one, and stops on Ctrl-C', async () => {
    const listener = await rxbtcListener();
    const io = capture();
    const done = runCli(['bridge', '--port', '0', '--allow', `127.0.0.1:${listener.port}`, '--json'], io);
    await io.until(/"event":"listening"/);
    const { port } = JSON.parse(io.lines[0]!) as { port: number };
    const peer = createPeer(await connectWebSocket(`ws://127.0.0.1:${port}/`), { network, sentNonces: new MruSet(50) });
    await peer.handshake;
    expect((await closeOf(`ws://127.0.0.1:${port}/127.0.0.1:1`)).code).toBe(1008);
    await io.until(/refused .* 127\.0\.0\.1:1: target not allowed/);
    peer.disconnect();
    io.stop();
    expect(await done).toBe(0);
    await listener.close();
    expect(() => parseCli(['bridge'])).toThrow('never an open proxy');
    expect(parseCli(['bridge', '--allow', '127.0.0.1:18444', '--origin', 'http://x', '--max-per-ip', '2'])).toMatchObject({
      kind: 'bridge',
      port: 8080,
      allow: ['127.0.0.1:18444'],
      origins: ['http://x'],
      maxPerIp: 2,
    });
  });
});
