/** A snapshot of a peer's state: btcd's StatsSnap plus the BIP130/144/155/339 flags. */
export interface PeerStats {
  /** Process-unique peer id. */
  id: number;
  /** Remote address, `host:port`. */
  address: string;
  /** Services the remote advertised. */
  services: bigint;
  /** The remote's user agent. */
  userAgent: string;
  /** Whether the remote dialled us. */
  inbound: boolean;
  /** Negotiated protocol version (0 before the handshake). */
  protocolVersion: number;
  /** Height the remote announced in its version message. */
  startHeight: number;
  /** Highest block height known for the remote. */
  lastBlock: number;
  /** Bytes written to the remote. */
  bytesSent: number;
  /** Bytes received from the remote. */
  bytesReceived: number;
  /** Scheduler time of the last write, ms (undefined before any). */
  lastSend: number | undefined;
  /** Scheduler time of the last message received, ms. */
  lastRecv: number | undefined;
  /** Scheduler time the peer was created, ms. */
  connectedAt: number;
  /** Remote clock minus ours, seconds. */
  timeOffset: number;
  /** Nonce of the ping awaiting its pong (0n when none). */
  lastPingNonce: bigint;
  /** Scheduler time of the last ping sent, ms. */
  lastPingTime: number | undefined;
  /** Round trip of the last answered ping, microseconds. */
  lastPingMicros: number;
  /** The remote asked for `headers` announcements (BIP130). */
  wantsHeaders: boolean;
  /** The remote advertises NODE_WITNESS. */
  witnessEnabled: boolean;
  /** The remote asked for `addrv2` (BIP155). */
  wantsAddrV2: boolean;
  /** The remote asked for wtxid announcements (BIP339). */
  wtxidRelay: boolean;
  /** The remote's fee filter, sat/kvB (BIP133), 0n when none. */
  feeFilter: bigint;
  /** Whether the handshake completed. */
  handshakeComplete: boolean;
  /** `v1` or `v2` (BIP324); `v1` until a v2 key exchange completes. */
  transport: 'v1' | 'v2';
  /** For v2, the session id (hex). */
  sessionId: string | undefined;
}

/** What a peer's stats hold before anything is known of the remote (the transport is added when read). */
export function initialStats(
  id: number,
  address: string,
  inbound: boolean,
  connectedAt: number,
): Omit<PeerStats, 'transport' | 'sessionId'> {
  return {
    id,
    address,
    services: 0n,
    userAgent: '',
    inbound,
    protocolVersion: 0,
    startHeight: 0,
    lastBlock: 0,
    bytesSent: 0,
    bytesReceived: 0,
    lastSend: undefined,
    lastRecv: undefined,
    connectedAt,
    timeOffset: 0,
    lastPingNonce: 0n,
    lastPingTime: undefined,
    lastPingMicros: 0,
    wantsHeaders: false,
    witnessEnabled: false,
    wantsAddrV2: false,
    wtxidRelay: false,
    feeFilter: 0n,
    handshakeComplete: false,
  };
}
