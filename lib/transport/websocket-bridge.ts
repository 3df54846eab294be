import { connect, type Socket } from 'node:net';
import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

/** Options of {@link startBridge}. */
export interface BridgeOptions {
  /** Port to listen on (0 picks a free one). @default 8080 */
  port?: number;
  /** Address to listen on. @default '127.0.0.1' */
  host?: string;
  /**
   * An HTTP server already listening (a page's own server): the bridge
   * takes its WebSocket upgrades instead of listening itself (`port` and
   * `host` are then unused, and `close` leaves the server open).
   */
  server?: Server;
  /** The only `HOST:PORT` targets a client may reach (never an open proxy). */
  allow: readonly string[];
  /** When given, only pages from these origins (`Origin` header, e.g. `http://127.0.0.1:8000`) may connect. */
  origins?: readonly string[];
  /** Connections at once from one IP address. @default 4 */
  maxPerIp?: number;
  /** Bytes buffered in either direction before the other side is paused. @default 1048576 */
  maxBuffered?: number;
  /** One line per connection, refusal and close. @default nothing */
  log?: (line: string) => void;
}

/** A running bridge. */
export interface Bridge {
  /** The bound port. */
  readonly port: number;
  /** Stop accepting and close every bridged connection. */
  close(): Promise<void>;
}

/** WebSocket close codes the bridge uses. */
export const BridgeCloseCode = {
  /** A refused origin or target (policy violation). */
  Refused: 1008,
  /** The per-IP limit is reached (try again later). */
  TooMany: 1013,
  /** The target could not be reached or failed. */
  TargetFailed: 1011,
} as const;

/** Largest WebSocket message accepted from a client: a 32 MiB payload plus its 24-byte header. */
const MAX_MESSAGE = 32 * 1024 * 1024 + 24;
/** How often a paused TCP socket looks whether the WebSocket drained, ms. */
const DRAIN_POLL_MS = 5;

/**
 * A WebSocket ↔ TCP bridge for browsers (what websockify does), for the
 * Bitcoin P2P protocol: a client opens `ws://HOST:PORT/TARGET_HOST:TARGET_PORT`
 * (or `/` when one target is allowed) and its binary messages become the
 * TCP stream to the target and back. Never an open proxy: a target not in
 * `allow`, an origin not in `origins`, or more than `maxPerIp` connections
 * from one address get a close code (1008, 1008, 1013) and a log line, and no
 * TCP connection is made. Each direction is bounded: past `maxBuffered`
 * the sending side is paused until the other drains.
 * @example
 * ```ts
 * const bridge = await startBridge({ port: 8080, allow: ['127.0.0.1:18444'], log: console.log });
 * ```
 */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const policy: Admission = {
    allow: new Set(options.allow.map((a) => a.toLowerCase())),
    origins: options.origins ? new Set(options.origins) : undefined,
    maxPerIp: options.maxPerIp ?? 4,
    perIp: new Map<string, number>(),
  };
  const maxBuffered = options.maxBuffered ?? 1 << 20;
  const log = options.log ?? (() => undefined);
  const sockets = new Set<Socket>();
  const server = options.server
    ? new WebSocketServer({ server: options.server, maxPayload: MAX_MESSAGE })
    : new WebSocketServer({ port: options.port ?? 8080, host: options.host ?? '127.0.0.1', maxPayload: MAX_MESSAGE });
  if (!options.server)
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });

  server.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const ip = req.socket.remoteAddress ?? 'unknown';
    const target = targetOf(req, policy.allow);
    const refuse = (code: number, why: string): void => {
      log(`refused ${ip} → ${target || '(no target)'}: ${why}`);
      ws.close(code, why);
    };
    const refusal = refusalOf(policy, ip, target, req.headers.origin);
    if (refusal) {
      refuse(...refusal);
      return;
    }
    policy.perIp.set(ip, (policy.perIp.get(ip) ?? 0) + 1);
    const socket = dial(target);
    sockets.add(socket);
    splice(ws, socket, maxBuffered, () => log(`bridged ${ip} → ${target}`), refuse);
    let done = false;
    const end = (why: string, code: number): void => {
      if (done) return;
      done = true;
      sockets.delete(socket);
      const n = (policy.perIp.get(ip) ?? 1) - 1;
      if (n > 0) policy.perIp.set(ip, n);
      else policy.perIp.delete(ip);
      log(`closed ${ip} → ${target}: ${why}`);
      socket.destroy();
      ws.resume(); // a paused WebSocket would not read the client's half of the closing handshake
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, why.slice(0, 120));
    };
    socket.on('error', (e) => end(`target: ${e.message}`, BridgeCloseCode.TargetFailed));
    socket.on('close', () => end('target closed', BridgeCloseCode.TargetFailed));
    ws.on('close', () => end('client closed', 1000));
    ws.on('error', () => end('client error', 1000));
  });

  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        for (const c of server.clients) c.terminate();
        server.close(() => resolve());
      }),
  };
}

/** Who may be bridged where, and the connections held per IP address. */
interface Admission {
  allow: ReadonlySet<string>;
  origins: ReadonlySet<string> | undefined;
  maxPerIp: number;
  perIp: Map<string, number>;
}

/** The `HOST:PORT` a client asks for: its URL's path, or the one allowed target for `/`. */
function targetOf(req: IncomingMessage, allow: ReadonlySet<string>): string {
  const path = decodeURIComponent((req.url ?? '/').split('?')[0]!.slice(1)).toLowerCase();
  return path === '' && allow.size === 1 ? [...allow][0]! : path;
}

/** Why a connection is refused (close code and reason), or undefined when it may be bridged. */
function refusalOf(policy: Admission, ip: string, target: string, origin: string | undefined): [number, string] | undefined {
  if (policy.origins && (origin === undefined || !policy.origins.has(origin)))
    return [BridgeCloseCode.Refused, `origin ${origin ?? '(none)'} not allowed`];
  if (!policy.allow.has(target)) return [BridgeCloseCode.Refused, 'target not allowed'];
  if ((policy.perIp.get(ip) ?? 0) >= policy.maxPerIp)
    return [BridgeCloseCode.TooMany, `more than ${policy.maxPerIp} connections from ${ip}`];
  return undefined;
}

/** A TCP connection to an allowed `HOST:PORT` (an IPv6 host in brackets). */
function dial(target: string): Socket {
  const colon = target.lastIndexOf(':');
  const socket = connect({ host: target.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(target.slice(colon + 1)) });
  socket.setNoDelay(true);
  return socket;
}

/**
 * Bytes both ways once the target is connected (nothing reaches it before):
 * binary WebSocket messages to the socket, socket data to the WebSocket;
 * either side paused while the other holds more than `maxBuffered`. A text
 * frame is refused.
 */
function splice(
  ws: WebSocket,
  socket: Socket,
  maxBuffered: number,
  connected: () => void,
  refuse: (code: number, why: string) => void,
): void {
  ws.pause();
  socket.once('connect', () => {
    connected();
    ws.resume();
  });
  socket.on('data', (chunk: Buffer) => {
    ws.send(chunk);
    if (ws.bufferedAmount > maxBuffered) {
      socket.pause();
      const wait = (): void => {
        if (ws.readyState !== ws.OPEN) return;
        if (ws.bufferedAmount > maxBuffered) setTimeout(wait, DRAIN_POLL_MS);
        else socket.resume();
      };
      setTimeout(wait, DRAIN_POLL_MS);
    }
  });
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (!isBinary) {
      refuse(BridgeCloseCode.Refused, 'text frames are not bridged');
      return;
    }
    const chunks = Array.isArray(data) ? data : [Buffer.from(data as ArrayBuffer)];
    for (const c of chunks) {
      if (!socket.write(c) || socket.writableLength > maxBuffered) {
        ws.pause();
        socket.once('drain', () => ws.resume());
      }
    }
  });
}
