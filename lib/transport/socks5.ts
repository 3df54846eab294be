import { isIP, type Socket } from 'node:net';
import { ipFromString } from '../wire/netaddress.js';
import { TransportError, TransportErrorCode } from './connection.js';

/** SOCKS5 reply codes (RFC 1928), for error messages. */
const REPLIES: Readonly<Record<number, string>> = {
  1: 'general failure',
  2: 'connection not allowed by ruleset',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
};

/** Read exactly `n` bytes from a socket that is in paused mode. */
function readExactly(socket: Socket, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tryRead = (): void => {
      const chunk = socket.read(n) as Buffer | null;
      if (chunk !== null) {
        cleanup();
        resolve(chunk);
      }
    };
    const onEnd = (): void => {
      cleanup();
      reject(new TransportError(TransportErrorCode.ProxyFailed, 'proxy closed the connection during the SOCKS5 handshake'));
    };
    const cleanup = (): void => {
      socket.off('readable', tryRead);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
    };
    socket.on('readable', tryRead);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    tryRead();
  });
}

/**
 * Ask a connected SOCKS5 proxy (no authentication) to connect to
 * `host:port`. Hostnames are sent to the proxy unresolved (ATYP 3), as Tor
 * needs for `.onion` names and to avoid DNS leaks.
 * @throws TransportError `proxy-failed`
 */
export async function socks5Connect(socket: Socket, host: string, port: number): Promise<void> {
  socket.write(Uint8Array.of(5, 1, 0));
  const greeting = await readExactly(socket, 2);
  if (greeting[0] !== 5 || greeting[1] !== 0) {
    throw new TransportError(TransportErrorCode.ProxyFailed, 'proxy requires an authentication method rxbtc does not offer');
  }
  let address: Uint8Array;
  if (isIP(host) === 4) {
    address = Uint8Array.of(1, ...host.split('.').map(Number));
  } else if (isIP(host) === 6) {
    address = Uint8Array.of(4, ...ipFromString(host));
  } else {
    const name = new TextEncoder().encode(host);
    if (name.length > 255) throw new TransportError(TransportErrorCode.ProxyFailed, 'hostname longer than 255 bytes');
    address = Uint8Array.of(3, name.length, ...name);
  }
  socket.write(Uint8Array.of(5, 1, 0, ...address, port >> 8, port & 0xff));
  const head = await readExactly(socket, 4);
  if (head[0] !== 5 || head[1] !== 0) {
    const why = REPLIES[head[1] ?? 1] ?? `reply ${head[1]}`;
    throw new TransportError(TransportErrorCode.ProxyFailed, `proxy could not connect to ${host}:${port}: ${why}`);
  }
  const atyp = head[3];
  const rest = atyp === 1 ? 4 : atyp === 4 ? 16 : atyp === 3 ? (await readExactly(socket, 1))[0]! : -1;
  if (rest < 0) throw new TransportError(TransportErrorCode.ProxyFailed, `proxy replied with address type ${atyp}`);
  await readExactly(socket, rest + 2);
}
