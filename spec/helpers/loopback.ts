import { createServer, type Server, type Socket } from 'node:net';
import type { VirtualTimeScheduler } from 'rxjs';
import { MruSet, connectTcp, createPeer, fromSocket, networks, type Peer, type PeerConfig } from '../../lib/index.js';
import { scriptedRemote, type ScriptedRemote } from './scripted-remote.js';
import { virtualClock } from './virtual-time.js';

/** An rxbtc outbound peer on a virtual clock, connected over real loopback TCP to a raw socket the test drives. */
export interface LoopbackPair {
  peer: Peer;
  /** The remote end as a raw socket, not read unless `remote` is used. */
  socket: Socket;
  /** The remote end as a scripted remote (starts reading the socket). */
  remote(): ScriptedRemote;
  clock: VirtualTimeScheduler;
  /** Close the server and the raw socket. */
  close(): Promise<void>;
}

/** Open a loopback pair; the remote socket starts paused (it reads nothing until asked). */
export async function loopbackPair(config: Partial<PeerConfig> = {}): Promise<LoopbackPair> {
  const clock = virtualClock();
  let accept!: (s: Socket) => void;
  const accepted = new Promise<Socket>((r) => (accept = r));
  const server: Server = createServer({ pauseOnConnect: true }, accept);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const peer = createPeer(await connectTcp({ host: '127.0.0.1', port }), {
    network: networks.regtest,
    scheduler: clock,
    sentNonces: new MruSet(50),
    ...config,
  });
  const socket = await accepted;
  let scripted: ScriptedRemote | undefined;
  return {
    peer,
    socket,
    clock,
    remote: () => (scripted ??= scriptedRemote(fromSocket(socket), networks.regtest)),
    close: async () => {
      socket.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Poll `check` in real time (I/O needs real event-loop turns) until it holds; fail after `ms`. */
export async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}
