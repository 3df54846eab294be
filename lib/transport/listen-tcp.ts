import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Observable, share } from 'rxjs';
import type { Connection } from './connection.js';
import { fromSocket } from './from-socket.js';

/** A listening TCP server whose accepted sockets arrive as connections. */
export interface Listener {
  /**
   * Every accepted connection, to every subscriber. A connection that
   * arrives while nobody is subscribed is closed at once rather than left
   * open and unread.
   */
  readonly connections$: Observable<Connection>;
  /** The bound port (useful with port 0). */
  readonly port: number;
  /** Stop accepting; existing connections stay open. */
  close(): Promise<void>;
}

/**
 * Listen for inbound peers.
 * @param options - `port` (0 picks a free one) and `host` (default 127.0.0.1)
 * @example
 * ```ts
 * const listener = await listenTcp({ port: 0 });
 * listener.connections$.subscribe((c) => createPeer(c, { network: networks.regtest, inbound: true }));
 * ```
 */
export async function listenTcp(options: { port?: number; host?: string } = {}): Promise<Listener> {
  const server: Server = createServer({ pauseOnConnect: true });
  let deliver: ((socket: Socket) => void) | undefined;
  server.on('connection', (socket: Socket) => (deliver ? deliver(socket) : socket.destroy()));
  const connections$ = new Observable<Connection>((subscriber) => {
    deliver = (socket) => subscriber.next(fromSocket(socket));
    const onClose = (): void => subscriber.complete();
    server.once('close', onClose);
    return () => {
      deliver = undefined;
      server.off('close', onClose);
    };
  }).pipe(share());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    connections$,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
