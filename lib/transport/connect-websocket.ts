import { Observable, share } from 'rxjs';
import { TransportError, TransportErrorCode, type Connection } from './connection.js';

/** The part of a WebSocket (the browser's, or the `ws` package's) that {@link connectWebSocket} uses. */
export interface WebSocketLike {
  /** Set to `arraybuffer` so binary messages arrive as ArrayBuffers. */
  binaryType: string;
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Bytes queued by `send` and not yet handed to the network. */
  readonly bufferedAmount: number;
  /** Queue one binary message. */
  send(data: Uint8Array): void;
  /** Start the closing handshake. */
  close(code?: number, reason?: string): void;
  /** Listen for `open`, `message` (`data`), `close` (`code`, `reason`) and `error`. */
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: WebSocketEventLike) => void): void;
}

/** The fields of WebSocket events that are read. */
export interface WebSocketEventLike {
  /** A message's payload. */
  readonly data?: unknown;
  /** A close event's code. */
  readonly code?: number;
  /** A close event's reason. */
  readonly reason?: string;
}

/** A WebSocket constructor. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** Options of {@link connectWebSocket}. */
export interface WebSocketOptions {
  /** Give up opening after this many ms. @default 10000 */
  timeout?: number;
  /** `write` waits while more than this many bytes are queued in the socket. @default 1048576 */
  highWaterMark?: number;
  /** The WebSocket class. @default the global `WebSocket` (browsers, Node ≥ 22), else the `ws` package */
  WebSocket?: WebSocketConstructor;
}

const OPEN = 1;
/** How often a waiting `write` looks at `bufferedAmount` (browsers have no drain event), ms. */
const DRAIN_POLL_MS = 5;

async function defaultWebSocket(): Promise<WebSocketConstructor> {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (global) return global;
  const ws = await import('ws');
  return ws.WebSocket as unknown as WebSocketConstructor;
}

/** A binary message's bytes (an ArrayBuffer, or a view of one), else undefined; tag-based, so it works across realms. */
function toBytes(data: unknown): Uint8Array | undefined {
  if (Object.prototype.toString.call(data) === '[object ArrayBuffer]') return new Uint8Array(data as ArrayBuffer);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

const closeText = (e: WebSocketEventLike): string => `${e.code ?? 1006}${e.reason ? ` ${e.reason}` : ''}`;

/**
 * Open a binary WebSocket as a {@link Connection}, so that `createPeer` works
 * unchanged in a browser (through a WebSocket ↔ TCP bridge such as `rxbtc
 * bridge`). Each message's bytes arrive on `bytes$` (buffered until the first
 * subscriber); `write` resolves once the bytes are queued and the socket's
 * `bufferedAmount` is below `highWaterMark`; `bytes$` completes on a normal
 * close (1000) and errors with a {@link TransportError} naming the close code
 * and reason otherwise.
 * @param url - `ws://` or `wss://`
 * @param options - timeout, back-pressure, WebSocket class
 * @returns the open connection; rejects with a TransportError `connect-failed` or `timeout`
 * @example
 * ```ts
 * const connection = await connectWebSocket('ws://127.0.0.1:8080/127.0.0.1:18444');
 * const peer = createPeer(connection, { network: networks.regtest });
 * ```
 */
export async function connectWebSocket(url: string, options: WebSocketOptions = {}): Promise<Connection> {
  const Ctor = options.WebSocket ?? (await defaultWebSocket());
  const highWaterMark = options.highWaterMark ?? 1 << 20;
  const ws = new Ctor(url);
  ws.binaryType = 'arraybuffer';
  const early: Uint8Array[] = [];
  let deliver: ((bytes: Uint8Array) => void) | undefined;
  let ended: { error?: TransportError } | undefined;
  let finish: ((end: { error?: TransportError }) => void) | undefined;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));

  ws.addEventListener('message', (e) => {
    const bytes = toBytes(e.data);
    if (!bytes) return; // text frames are not part of the protocol
    if (deliver) deliver(bytes);
    else early.push(bytes);
  });
  ws.addEventListener('close', (e) => {
    ended =
      e.code === 1000 || e.code === 1005
        ? {}
        : { error: new TransportError(TransportErrorCode.Closed, `the WebSocket closed: ${closeText(e)}`) };
    finish?.(ended);
    resolveClosed();
  });

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new TransportError(TransportErrorCode.Timeout, `opening ${url} took longer than ${options.timeout ?? 10_000} ms`));
      ws.close();
    }, options.timeout ?? 10_000);
    ws.addEventListener('open', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.addEventListener('close', (e) => {
      clearTimeout(timer);
      reject(new TransportError(TransportErrorCode.ConnectFailed, `cannot open ${url}: ${closeText(e)}`));
    });
    ws.addEventListener('error', () => {
      clearTimeout(timer);
      reject(new TransportError(TransportErrorCode.ConnectFailed, `cannot open ${url}`));
    });
  });

  const bytes$ = new Observable<Uint8Array>((subscriber) => {
    for (const b of early.splice(0)) subscriber.next(b);
    deliver = (b) => subscriber.next(b);
    finish = (end) => (end.error ? subscriber.error(end.error) : subscriber.complete());
    if (ended) finish(ended);
    return () => {
      deliver = undefined;
      finish = undefined;
    };
  }).pipe(share());

  return {
    bytes$,
    remoteAddress: url,
    closed,
    async write(bytes) {
      const open = (): boolean => ws.readyState === OPEN; // read afresh: it changes while we wait
      if (!open()) throw new TransportError(TransportErrorCode.Closed, 'connection closed');
      ws.send(bytes);
      while (ws.bufferedAmount > highWaterMark) {
        await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
        if (!open()) throw new TransportError(TransportErrorCode.Closed, 'connection closed while writing');
      }
    },
    close() {
      if (ws.readyState <= OPEN) ws.close(1000);
    },
  };
}
