import type { Observable } from 'rxjs';

/**
 * A byte pipe to a remote peer. rxbtc never opens sockets behind the
 * caller's back: a `Connection` can be a TCP socket (`fromSocket`,
 * `connectTcp`), a proxied one, or an in-memory pair for tests.
 */
export interface Connection {
  /** Bytes from the remote, in arrival order; completes when the remote closes, errors on a socket error. */
  readonly bytes$: Observable<Uint8Array>;
  /**
   * Write bytes. Resolves once they were handed to the operating system
   * (and, when the socket's buffer was full, after it drained); rejects
   * with {@link TransportError} `closed` after `close()` or a socket error.
   */
  write(bytes: Uint8Array): Promise<void>;
  /** Close the connection now; pending writes are abandoned. Idempotent. */
  close(): void;
  /** Remote address as `host:port` (or a descriptive name for non-TCP pairs). */
  readonly remoteAddress: string;
  /** Resolves once the connection is fully closed, whoever closed it. */
  readonly closed: Promise<void>;
}

/** Why a transport operation failed. */
export const TransportErrorCode = {
  /** The connection is closed. */
  Closed: 'closed',
  /** The TCP connection could not be made. */
  ConnectFailed: 'connect-failed',
  /** The SOCKS5 proxy refused or broke the handshake. */
  ProxyFailed: 'proxy-failed',
  /** Connecting took longer than allowed. */
  Timeout: 'timeout',
} as const;

/** One of the {@link TransportErrorCode} values. */
export type TransportErrorCode = (typeof TransportErrorCode)[keyof typeof TransportErrorCode];

/** A connection could not be made, or was used after it closed. */
export class TransportError extends Error {
  /** Machine-readable reason. */
  readonly code: TransportErrorCode;

  /**
   * @param code - why it failed
   * @param message - detail
   * @param cause - underlying error, if any
   */
  constructor(code: TransportErrorCode, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'TransportError';
    this.code = code;
  }
}
