import { createServer, type AddressInfo, type Server } from 'node:net';
import { Observable, share } from 'rxjs';
import type { Connection } from './connection.js';
import { fromSocket } from './from-socket.js';

/** A listening TCP server whose accepted sockets arrive as connections. */
export interface Listener {
  /** Every accepted connection. Accepting starts when the listener is created. */
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
  const connections$ = new Observable<Connection>((subscriber) => {
    const onConnection = (socket: import('node:net').Socket): void => {
      subscriber.next(fromSocket(socket));
    };
    server.on('connection', onConnection);
    server.once('close', () => subscriber.complete());
    return () => server.off('connection', onConnection);
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
