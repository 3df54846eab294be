import type { Observable } from 'rxjs';
import type { Command, Message, MessageOf } from '../wire/message.js';
import type { TimedNetAddress } from '../wire/messages/addr.js';
import type { AddrV2Entry } from '../wire/messages/addrv2.js';
import type { InvVector } from '../wire/messages/inv.js';
import type { Negotiated } from './handshake.js';
import type { PeerStats } from './stats.js';

/** How and why a peer ended. */
export interface Disconnection {
  /** Human-readable reason. */
  reason: string;
  /** The error that caused it, if any (`PeerError`, ProtocolError, TransportError). */
  error?: Error;
}

/** A Bitcoin peer over one connection, made by `createPeer` (or `connectPeer`, `openPeer`). */
export interface Peer {
  /**
   * Every message received after the handshake, to every subscriber;
   * completes on disconnect. It is hot: subscribe before awaiting
   * `handshake` to see the messages that arrive together with the verack.
   */
  readonly messages$: Observable<Message>;
  /** Messages of one command, typed. */
  on<C extends Command>(command: C): Observable<MessageOf<C>>;
  /** Resolves with the negotiated parameters; rejects with a `PeerError` if the handshake fails. */
  readonly handshake: Promise<Negotiated>;
  /** Send a message; resolves once its bytes were written (held until the handshake is done). */
  send(message: Message): Promise<void>;
  /** Send without waiting; failures are ignored. */
  queue(message: Message): void;
  /** Announce inventory at the next trickle, unless the peer already knows it. */
  queueInventory(item: InvVector): void;
  /** Record that the peer has this inventory, so it is not announced to it. */
  addKnownInventory(item: InvVector): void;
  /** Send addresses the peer does not know yet (at most 1000, a random 1000 when more); resolves with those sent. */
  pushAddr(addresses: readonly TimedNetAddress[]): Promise<TimedNetAddress[]>;
  /** The same for BIP155 addresses, as `addrv2`. */
  pushAddrV2(addresses: readonly AddrV2Entry[]): Promise<AddrV2Entry[]>;
  /** Send `getblocks` unless it repeats the previous one (same first locator hash and stop hash); resolves with whether it was sent. */
  pushGetBlocks(locator: Uint8Array[], stopHash: Uint8Array): Promise<boolean>;
  /** Send `getheaders` unless it repeats the previous one; resolves with whether it was sent. */
  pushGetHeaders(locator: Uint8Array[], stopHash: Uint8Array): Promise<boolean>;
  /** Send a reject (not below version 70002, never after disconnect); with `wait`, resolve once written. */
  pushReject(command: string, code: number, reason: string, hash?: Uint8Array, wait?: boolean): Promise<void>;
  /** Raise the remote's known best height (never lowers it). */
  updateLastBlockHeight(height: number): void;
  /** Record the hash of the last block the remote announced. */
  updateLastAnnouncedBlock(hash: Uint8Array): void;
  /** The last block the remote announced, if any. */
  readonly lastAnnouncedBlock: Uint8Array | undefined;
  /** A snapshot of the peer's state. */
  stats(): PeerStats;
  /** Snapshots every `statsInterval`, starting now; completes on disconnect. */
  readonly stats$: Observable<PeerStats>;
  /** Close the connection, optionally naming the error that caused it (it is then `closed`'s `error`). Idempotent. */
  disconnect(reason?: string, error?: Error): void;
  /** Whether the peer is still connected. */
  readonly connected: boolean;
  /** Resolves once disconnected (btcd WaitForDisconnect). */
  readonly closed: Promise<Disconnection>;
}
