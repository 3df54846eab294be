import { Observable, Subject } from 'rxjs';
import { TransportError, TransportErrorCode, type Connection } from './connection.js';

/** Options for {@link memoryPair}. */
export interface MemoryPairOptions {
  /** Names reported as each side's `remoteAddress`. */
  names?: [string, string];
}

/**
 * Two connected in-memory connections: bytes written to one arrive, in
 * order, on the other's `bytes$` (delivered on a microtask, so a write never
 * re-enters the writer's own code). Closing either side completes both.
 * For tests and for wiring two rxbtc peers together.
 */
export function memoryPair(options: MemoryPairOptions = {}): [Connection, Connection] {
  const [nameA, nameB] = options.names ?? ['memory:a', 'memory:b'];
  const inboxes = [new Subject<Uint8Array>(), new Subject<Uint8Array>()] as const;
  let isClosed = false;
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  const close = (): void => {
    if (isClosed) return;
    isClosed = true;
    queueMicrotask(() => {
      inboxes[0].complete();
      inboxes[1].complete();
      resolveClosed();
    });
  };
  const side = (inbox: Subject<Uint8Array>, outbox: Subject<Uint8Array>, remoteAddress: string): Connection => ({
    bytes$: new Observable<Uint8Array>((subscriber) => inbox.subscribe(subscriber)),
    remoteAddress,
    closed,
    write(bytes) {
      if (isClosed) return Promise.reject(new TransportError(TransportErrorCode.Closed, 'connection closed'));
      const copy = bytes.slice();
      return new Promise<void>((resolve) => {
        queueMicrotask(() => {
          if (!isClosed) outbox.next(copy);
          resolve();
        });
      });
    },
    close,
  });
  return [side(inboxes[0], inboxes[1], nameB), side(inboxes[1], inboxes[0], nameA)];
}
