import type { Peer } from '../peer/peer-api.js';
import type { Message } from '../wire/message.js';
import type { Endpoint } from './endpoint.js';

/** A peer in the pool. */
export interface PoolPeer {
  /** The peer (handshaken). */
  readonly peer: Peer;
  /** Its address: the dialled endpoint, or the remote address of an inbound connection. */
  readonly address: Endpoint;
  /** Whether it connected to us. */
  readonly inbound: boolean;
  /** Its netgroup (see `netgroup`). */
  readonly netgroup: string;
}

/** A peer joined the pool (its handshake is done). */
export interface PeerAdded extends PoolPeer {
  /** Discriminant. */
  readonly type: 'added';
}

/** A peer left the pool. */
export interface PeerRemoved extends PoolPeer {
  /** Discriminant. */
  readonly type: 'removed';
  /** Why it disconnected. */
  readonly reason: string;
  /** The error it was disconnected with, if any (misbehaviour is judged from it). */
  readonly error?: Error;
}

/** A peer joined (handshake done) or left the pool. */
export type PoolPeerEvent = PeerAdded | PeerRemoved;

/** An outbound connection could not be made. */
export interface DialFailed {
  /** Discriminant. */
  readonly type: 'dial-failed';
  /** Where. */
  readonly address: Endpoint;
  /** Why. */
  readonly error: unknown;
  /** The address is not dialled again for this many ms. */
  readonly retryIn: number;
}

/** A host, or one endpoint of it (a peer named in `connect`), was banned. */
export interface HostBanned {
  /** Discriminant. */
  readonly type: 'banned';
  /** The host. */
  readonly host: string;
  /** Set when only this port of the host was banned (a named peer's endpoint); absent: every port. */
  readonly port?: number;
  /** The misbehaviour, or the caller's reason. */
  readonly reason: string;
  /** Banned until, ms since 1970 on the pool's clock. */
  readonly until: number;
}

/** An inbound connection was refused. */
export interface InboundRefused {
  /** Discriminant. */
  readonly type: 'refused';
  /** Its remote address. */
  readonly address: string;
  /** Banned, or a limit reached. */
  readonly reason: string;
}

/** The DNS seeds were asked. */
export interface SeedsQueried {
  /** Discriminant. */
  readonly type: 'seeded';
  /** Addresses they gave. */
  readonly addresses: number;
  /** Seeds that failed to answer (the names asked). */
  readonly failed: string[];
  /** Set when `x<hex>.` subdomains were asked for peers a want needs: the bits asked, credited to the addresses. */
  readonly services?: bigint;
}

/** Something went wrong that the pool survived (an unreadable address book…). */
export interface PoolWarning {
  /** Discriminant. */
  readonly type: 'warning';
  /** What. */
  readonly message: string;
}

/** Everything the pool does, for logs and dashboards. */
export type PoolEvent = PoolPeerEvent | DialFailed | HostBanned | InboundRefused | SeedsQueried | PoolWarning;

/** A message with the peer it came from. */
export interface PoolMessage {
  /** The sender. */
  readonly peer: Peer;
  /** The message. */
  readonly message: Message;
}
