import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { Network } from '../wire/networks.js';
import { PROTOCOL_VERSION, MIN_PROTOCOL_VERSION } from '../wire/protocol.js';
import {
  IDLE_TIMEOUT,
  NEGOTIATE_TIMEOUT,
  OUTPUT_QUEUE_SIZE,
  PING_INTERVAL,
  SENT_NONCES_SIZE,
  STALL_RESPONSE_TIMEOUT,
  STALL_TICK_INTERVAL,
  STATS_INTERVAL,
  TRICKLE_INTERVAL,
} from './constants.js';
import { MruSet } from './mru-set.js';
import { formatUserAgent, type UserAgent } from './user-agent.js';

/**
 * Version nonces sent by every peer in this process that was not given its
 * own set: a remote version carrying one of them means we dialled
 * ourselves. Shared on purpose (btcd's package-level sentNonces).
 */
export const defaultSentNonces = new MruSet<bigint>(SENT_NONCES_SIZE);

/** Configuration of {@link createPeer}. Only `network` is required. */
export interface PeerConfig {
  /** Network whose magic frames carry. */
  network: Network;
  /** Whether the remote dialled us. @default false */
  inbound?: boolean;
  /** Our application's BIP14 user-agent component, appended after `rxbtc:0.1.0`. */
  userAgent?: UserAgent;
  /** Services we advertise. @default 0n */
  services?: bigint;
  /** Highest protocol version we speak; the negotiated one is min(ours, theirs). @default 70016 */
  protocolVersion?: number;
  /** Lowest protocol version accepted from the remote. @default 209 */
  minProtocolVersion?: number;
  /** Our best block, for the version message's start height. @default height 0 */
  newestBlock?: () => BestBlock;
  /** Ask the remote not to relay transactions (version relay flag false). @default false */
  disableRelayTx?: boolean;
  /** Announce transactions by wtxid (send `wtxidrelay` before verack, BIP339). @default false */
  wtxidRelay?: boolean;
  /** Inventory trickle interval, ms. @default 10000 */
  trickleInterval?: number;
  /** Ping interval, ms. @default 120000 */
  pingInterval?: number;
  /** Time for the whole handshake, ms. @default 30000 */
  negotiateTimeout?: number;
  /** Disconnect after receiving nothing for this long, ms. @default 300000 */
  idleTimeout?: number;
  /** Stall check interval, ms. @default 15000 */
  stallTickInterval?: number;
  /** Time a request's reply may take, ms. @default 30000 */
  stallResponseTimeout?: number;
  /** Outbound queue capacity, messages. @default 50 */
  outboundQueueSize?: number;
  /** Interval between `stats$` snapshots, ms. @default 1000 */
  statsInterval?: number;
  /** Accept a remote version carrying one of our own nonces. @default false */
  allowSelfConnection?: boolean;
  /** Nonce set used for self-connection detection. @default defaultSentNonces */
  sentNonces?: MruSet<bigint>;
  /** Largest payload accepted, bytes. @default 33554432 */
  maxPayloadSize?: number;
  /**
   * Transport: `v1` (plaintext frames), `v2` (BIP324 encryption; the remote
   * must speak it), or `detect` (inbound only: BIP324's rule, v1 when the
   * first 16 bytes are magic + `version`, else v2).
   * @default 'detect' inbound, 'v1' outbound (see `connectPeer` for v2 with downgrade)
   */
  transport?: PeerTransport;
  /** BIP324 tuning: garbage length, decoys, sending the garbage after the remote's key (see `V2SessionOptions`). */
  v2?: V2Tuning;
  /** The scheduler every timer runs on (pass a virtual-time scheduler in tests). @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/** BIP324 settings of a peer (the rest of the session comes from the peer's config). */
export interface V2Tuning {
  /** Bytes of garbage after our key. @default random, 0..4095 */
  garbageLength?: number;
  /** Contents lengths of decoy packets before the version packet. @default none */
  decoys?: readonly number[];
  /** Initiator: send the garbage once the responder's key arrived. @default false (`connectPeer` auto: true) */
  delayGarbage?: boolean;
}

/** How a peer's bytes are framed: see {@link PeerConfig.transport}. */
export type PeerTransport = 'v1' | 'v2' | 'detect';

/** A {@link PeerConfig} with every default filled in. */
export type ResolvedPeerConfig = Required<Omit<PeerConfig, 'userAgent'>> & {
  /** Our application's user-agent component, if any. */
  userAgent: UserAgent | undefined;
};

/** The best block we know, announced in our version message. */
export interface BestBlock {
  /** Its hash, wire order. */
  hash: Uint8Array;
  /** Its height. */
  height: number;
}

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

/**
 * Fill in defaults and validate eagerly.
 * @throws TypeError or RangeError for a bad setting
 */
export function resolvePeerConfig(config: PeerConfig): ResolvedPeerConfig {
  if (typeof (config.network as Partial<Network> | undefined)?.magic !== 'number')
    throw new TypeError('config.network must be a Network (e.g. networks.mainnet)');
  const protocolVersion = config.protocolVersion ?? PROTOCOL_VERSION;
  if (!Number.isInteger(protocolVersion) || protocolVersion < MIN_PROTOCOL_VERSION)
    throw new RangeError(`protocolVersion must be ≥ ${MIN_PROTOCOL_VERSION}`);
  if (config.services !== undefined && typeof config.services !== 'bigint') throw new TypeError('services must be a bigint');
  if (config.userAgent) formatUserAgent(config.userAgent); // throws TypeError for characters BIP14 forbids
  const inbound = config.inbound ?? false;
  const transport = config.transport ?? (inbound ? 'detect' : 'v1');
  if (!['v1', 'v2', 'detect'].includes(transport)) throw new RangeError(`transport must be v1, v2 or detect, got ${transport as string}`);
  if (transport === 'detect' && !inbound) throw new RangeError('transport detect is for inbound peers');
  return {
    network: config.network,
    inbound,
    transport,
    v2: config.v2 ?? {},
    userAgent: config.userAgent,
    services: config.services ?? 0n,
    protocolVersion,
    minProtocolVersion: config.minProtocolVersion ?? MIN_PROTOCOL_VERSION,
    newestBlock: config.newestBlock ?? (() => ({ hash: new Uint8Array(32), height: 0 })),
    disableRelayTx: config.disableRelayTx ?? false,
    wtxidRelay: config.wtxidRelay ?? false,
    trickleInterval: positive('trickleInterval', config.trickleInterval ?? TRICKLE_INTERVAL),
    pingInterval: positive('pingInterval', config.pingInterval ?? PING_INTERVAL),
    negotiateTimeout: positive('negotiateTimeout', config.negotiateTimeout ?? NEGOTIATE_TIMEOUT),
    idleTimeout: positive('idleTimeout', config.idleTimeout ?? IDLE_TIMEOUT),
    stallTickInterval: positive('stallTickInterval', config.stallTickInterval ?? STALL_TICK_INTERVAL),
    stallResponseTimeout: positive('stallResponseTimeout', config.stallResponseTimeout ?? STALL_RESPONSE_TIMEOUT),
    outboundQueueSize: positive('outboundQueueSize', config.outboundQueueSize ?? OUTPUT_QUEUE_SIZE),
    statsInterval: positive('statsInterval', config.statsInterval ?? STATS_INTERVAL),
    allowSelfConnection: config.allowSelfConnection ?? false,
    sentNonces: config.sentNonces ?? defaultSentNonces,
    maxPayloadSize: config.maxPayloadSize ?? 32 * 1024 * 1024,
    scheduler: config.scheduler ?? asyncScheduler,
  };
}
