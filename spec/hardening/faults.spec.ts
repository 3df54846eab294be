import { createServer, type Socket } from 'node:net';
import { Observable, config as rxConfig } from 'rxjs';
import {
  MruSet,
  TransportError,
  connectTcp,
  createPeer,
  fromSocket,
  memoryPair,
  networks,
  type Connection,
  type Message,
  type Peer,
} from '../../lib/index.js';
import { eventually } from '../helpers/loopback.js';
import { remoteVersion, scriptedRemote, type ScriptedRemote } from '../helpers/scripted-remote.js';
import { advance, settle, virtualClock } from '../helpers/virtual-time.js';

/**
 * Faults end in a clean state: every subscription to the connection torn
 * down, no timer left on the peer's scheduler, every stream the peer gave
 * out completed, and (over TCP) no socket handle left open.
 */
const network = networks.regtest;

/** Wrap a connection so that live subscriptions to its bytes are counted. */
function counted(connection: Connection): { connection: Connection; live: () => number } {
  let live = 0;
  const bytes$ = new Observable<Uint8Array>((subscriber) => {
    live++;
    const inner = connection.bytes$.subscribe(subscriber);
    return () => {
      live--;
      inner.unsubscribe();
    };
  });
  return {
    live: () => live,
    connection: {
      bytes$,
      write: (b) => connection.write(b),
      close: () => connection.close(),
      remoteAddress: connection.remoteAddress,
      closed: connection.closed,
    },
  };
}

interface Watched {
  peer: Peer;
  clock: ReturnType<typeof virtualClock>;
  live: () => number;
  /** Streams handed out by the peer that have completed. */
  completed: () => boolean;
}

function watch(connection: Connection, extra: Parameters<typeof createPeer>[1] | object = {}): Watched {
  const clock = virtualClock();
  const c = counted(connection);
  const peer = createPeer(c.connection, { network, scheduler: clock, sentNonces: new MruSet(50), ...extra });
  const done = { messages: false, inv: false, stats: false };
  peer.messages$.subscribe({ complete: () => (done.messages = true) });
  peer.on('inv').subscribe({ complete: () => (done.inv = true) });
  peer.stats$.subscribe({ complete: () => (done.stats = true) });
  return { peer, clock, live: c.live, completed: () => done.messages && done.inv && done.stats };
}

async function expectClean(w: Watched): Promise<void> {
  await w.peer.closed;
  await settle();
  expect(w.peer.connected).toBe(false);
  expect(w.live()).toBe(0);
  expect(w.clock.actions.filter((a) => !a.closed)).toHaveLength(0);
  expect(w.completed()).toBe(true);
}

async function handshake(remote: ScriptedRemote, peer: Peer): Promise<void> {
  await remote.next('version');
  await remote.send(remoteVersion());
  await remote.send({ command: 'verack' });
  await peer.handshake;
}

const sockets = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

/** A TCP pair: the peer dials; the raw accepted socket is returned (paused). */
async function tcpPair(): Promise<{ connection: Connection; socket: Socket; close: () => Promise<void> }> {
  let accept!: (s: Socket) => void;
  const accepted = new Promise<Socket>((r) => (accept = r));
  const server = createServer({ pauseOnConnect: true }, accept);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const connection = await connectTcp({ host: '127.0.0.1', port: (server.address() as { port: number }).port });
  const socket = await accepted;
  return { connection, socket, close: () => new Promise((r) => server.close(() => r())) };
}

/** A watched peer that dialled a raw socket and completed its handshake; `release` closes it all and waits for the handles. */
async function handshakenOverTcp(): Promise<{ w: Watched; socket: Socket; release: () => Promise<void> }> {
  const before = sockets();
  const { connection, socket, close } = await tcpPair();
  const w = watch(connection);
  await handshake(scriptedRemote(fromSocket(socket), network), w.peer);
  const release = async (): Promise<void> => {
    socket.destroy();
    await close();
    await eventually(() => sockets() <= before);
  };
  return { w, socket, release };
}

describe('faults end in a clean state', () => {
  it('a socket error (connection reset by the remote)', async () => {
    const { w, socket, release } = await handshakenOverTcp();
    socket.resetAndDestroy();
    const { error } = await w.peer.closed;
    expect(error).toBeInstanceOf(Error);
    await expectClean(w);
    await release();
  });

  it('write after close, on the connection and on the peer', async () => {
    const [a] = memoryPair();
    a.close();
    await expect(a.write(new Uint8Array(1))).rejects.toBeInstanceOf(TransportError);
    const { connection, socket, close } = await tcpPair();
    connection.close();
    await expect(connection.write(new Uint8Array(1))).rejects.toMatchObject({ code: 'closed' });
    socket.destroy();
    await close();
    const [c, d] = memoryPair();
    const w = watch(c);
    await handshake(scriptedRemote(d, network), w.peer);
    w.peer.disconnect();
    await expect(w.peer.send({ command: 'getaddr' })).rejects.toMatchObject({ code: 'disconnected' });
    await expectClean(w);
  });

  it('disconnect during pending sends to a remote that does not read', async () => {
    const { w, socket, release } = await handshakenOverTcp();
    socket.pause();
    const big: Message = { command: 'unknown', rawCommand: 'blob', payload: new Uint8Array(4 << 20) };
    const outcomes = Array.from({ length: 10 }, () =>
      w.peer.send(big).then(
        () => 'written',
        (e: unknown) => (e as { code?: string }).code,
      ),
    );
    await settle();
    w.peer.disconnect('stop');
    const codes = await Promise.all(outcomes);
    expect(codes).toContain('disconnected');
    expect(codes.every((c) => c === 'written' || c === 'disconnected')).toBe(true);
    await expectClean(w);
    await release();
  });

  it('a subscriber that throws, then a remote that hangs up', async () => {
    const reported: unknown[] = [];
    const previous = rxConfig.onUnhandledError;
    rxConfig.onUnhandledError = (e) => reported.push(e);
    try {
      const [a, b] = memoryPair();
      const w = watch(a);
      w.peer.messages$.subscribe(() => {
        throw new Error('bug');
      });
      const remote = scriptedRemote(b, network);
      await handshake(remote, w.peer);
      await remote.send({ command: 'getaddr' });
      await settle();
      await new Promise((r) => setTimeout(r, 5));
      expect(reported).toHaveLength(1);
      expect(w.peer.connected).toBe(true);
      remote.close();
      expect((await w.peer.closed).reason).toMatch(/closed/);
      await expectClean(w);
    } finally {
      rxConfig.onUnhandledError = previous;
    }
  });

  it('a handshake that times out, and a peer disconnected before its handshake', async () => {
    const [a] = memoryPair();
    const w = watch(a);
    await advance(w.clock, 30_500);
    expect((await w.peer.closed).error).toMatchObject({ code: 'negotiate-timeout' });
    await expect(w.peer.handshake).rejects.toMatchObject({ code: 'negotiate-timeout' });
    await expectClean(w);

    const [c] = memoryPair();
    const early = watch(c);
    early.peer.disconnect('never mind');
    await expect(early.peer.handshake).rejects.toMatchObject({ code: 'disconnected' });
    await expectClean(early);
  });

  it('leaves nothing behind across 200 peers that connect, talk and close', async () => {
    const peers: Watched[] = [];
    for (let i = 0; i < 200; i++) {
      const [a, b] = memoryPair();
      const w = watch(a);
      const remote = scriptedRemote(b, network);
      await handshake(remote, w.peer);
      await remote.send({ command: 'ping', nonce: BigInt(i) });
      await remote.next('pong');
      if (i % 2) w.peer.disconnect();
      else remote.close();
      peers.push(w);
    }
    for (const w of peers) await expectClean(w);
  });
});
