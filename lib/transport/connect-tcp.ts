import { connect, type Socket } from 'node:net';
import { TransportError, TransportErrorCode, type Connection } from './connection.js';
import { fromSocket } from './from-socket.js';
import { socks5Connect } from './socks5.js';

/** Where and how to connect. */
/** A SOCKS5 proxy's address. */
export interface ProxyAddress {
  /** Proxy host. */
  host: string;
  /** Proxy port. */
  port: number;
}

/** Options of {@link connectTcp}. */
export interface ConnectOptions {
  /** Host name or IP address of the peer. */
  host: string;
  /** TCP port of the peer. */
  port: number;
  /** A SOCKS5 proxy such as Tor, as `socks5://host:port` or `{ host, port }`. The peer's hostname is resolved by the proxy. */
  proxy?: string | ProxyAddress;
  /**
   * Give up after this many milliseconds.
   * @default 10000
   */
  timeout?: number;
}

function parseProxy(proxy: string | { host: string; port: number }): { host: string; port: number } {
  if (typeof proxy !== 'string') return proxy;
  const url = new URL(proxy);
  if (url.protocol !== 'socks5:' && url.protocol !== 'socks5h:') throw new TypeError(`unsupported proxy scheme ${url.protocol}`);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 1080) };
}

function openSocket(host: string, port: number, timeout: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.pause();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TransportError(TransportErrorCode.Timeout, `connecting to ${host}:${port} took longer than ${timeout} ms`));
    }, timeout);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(new TransportError(TransportErrorCode.ConnectFailed, `cannot connect to ${host}:${port}: ${error.message}`, error));
    });
  });
}

/**
 * Open a TCP connection to a peer, directly or through a SOCKS5 proxy.
 * @throws TransportError `connect-failed`, `proxy-failed` or `timeout`
 * @example
 * ```ts
 * import { connectTcp } from 'rxbtc';
 * const connection = await connectTcp({ host: '127.0.0.1', port: 18444 });
 * ```
 */
export async function connectTcp(options: ConnectOptions): Promise<Connection> {
  const timeout = options.timeout ?? 10_000;
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) throw new RangeError(`bad port ${options.port}`);
  if (options.proxy === undefined) return fromSocket(await openSocket(options.host, options.port, timeout));
  const proxy = parseProxy(options.proxy);
  const socket = await openSocket(proxy.host, proxy.port, timeout);
  try {
    await socks5Connect(socket, options.host, options.port);
  } catch (error) {
    socket.destroy();
    throw error;
  }
  const connection = fromSocket(socket);
  return { ...connection, remoteAddress: `${options.host}:${options.port}` };
}
