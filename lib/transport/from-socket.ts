import type { Socket } from 'node:net';
import { Observable, share } from 'rxjs';
import { TransportError, TransportErrorCode, type Connection } from './connection.js';

/**
 * Wrap a connected Node socket. Reading starts when `bytes$` is first
 * subscribed (the socket stays paused until then, so nothing is lost);
 * subscribers share one listener. `write` resolves when Node's write
 * callback fires and, if the socket reported a full buffer, after `drain`,
 * so a sender that awaits each write never buffers more than one message.
 *
 * @example
 * ```ts
 * import { connect } from 'node:net';
 * import { fromSocket } from 'rxbtc';
 * const connection = fromSocket(connect(8333, '127.0.0.1'));
 * ```
 */
export function fromSocket(socket: Socket): Connection {
  socket.setNoDelay(true);
  let closedError: TransportError | undefined;
  const closed = new Promise<void>((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once('close', () => resolve());
  });
  socket.once('close', () => {
    closedError ??= new TransportError(TransportErrorCode.Closed, 'connection closed');
  });
  // A socket error always ends in 'close'; keep it from becoming an uncaught 'error' event.
  socket.on('error', () => undefined);

  const bytes$ = new Observable<Uint8Array>((subscriber) => {
    const onData = (chunk: Buffer): void => {
      subscriber.next(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    };
    const onEnd = (): void => {
      subscriber.complete();
    };
    const onError = (error: Error): void => {
      subscriber.error(new TransportError(TransportErrorCode.Closed, error.message, error));
    };
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.once('error', onError);
    if (socket.destroyed) subscriber.complete();
    else socket.resume(); // a socket paused explicitly (pauseOnConnect, pause()) does not resume on 'data' listeners
    return () => {
      socket.pause(); // no reader: keep the bytes in the socket instead of dropping them
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onError);
    };
  }).pipe(share());

  const remoteAddress = `${socket.remoteAddress ?? 'unknown'}:${socket.remotePort ?? 0}`;

  return {
    bytes$,
    remoteAddress,
    closed,
    write(bytes) {
      return new Promise<void>((resolve, reject) => {
        if (closedError || socket.destroyed || !socket.writable) {
          reject(closedError ?? new TransportError(TransportErrorCode.Closed, 'connection closed'));
          return;
        }
        let flushed = false;
        let drained = socket.write(bytes, (error) => {
          if (error) {
            reject(new TransportError(TransportErrorCode.Closed, error.message, error));
            return;
          }
          flushed = true;
          if (drained) resolve();
        });
        if (!drained) {
          const onDrain = (): void => {
            socket.off('close', onClose);
            drained = true;
            if (flushed) resolve();
          };
          const onClose = (): void => {
            socket.off('drain', onDrain);
            reject(closedError ?? new TransportError(TransportErrorCode.Closed, 'connection closed'));
          };
          socket.once('drain', onDrain);
          socket.once('close', onClose);
        }
      });
    },
    close() {
      socket.destroy();
    },
  };
}
