import type { Negotiated } from '../peer/handshake.js';
import type { Peer } from '../peer/peer-api.js';
import { ProtocolVersion } from '../wire/protocol.js';

/** The compact block version negotiated: 2, short ids of wtxids (BIP152 with segwit). */
export const COMPACT_BLOCK_VERSION = 2n;

/**
 * BIP152's modes per peer: which peers can be sent `sendcmpct` (protocol
 * 70014 and witness), which said `sendcmpct` version 2 themselves, and the
 * high-bandwidth set (at most `max`, oldest first) whose members push
 * `cmpctblock`s unasked. A peer outside the set that announces a block
 * first takes the place of the longest-serving one.
 */
export class HighBandwidthPeers {
  private readonly compact = new Set<Peer>();
  private readonly capable = new Set<Peer>();
  private readonly high: Peer[] = [];
  private readonly max: number;

  /** @param max - peers in high-bandwidth mode at most */
  constructor(max: number) {
    this.max = max;
  }

  /**
   * A peer finished its handshake: if it can, send it `sendcmpct`, in
   * high-bandwidth mode while the set has room (bcoin heeds only the first
   * `sendcmpct` a peer sends: the mode must be right the first time).
   * @param version - what the handshake negotiated
   */
  handshaken(peer: Peer, version: Pick<Negotiated, 'protocolVersion' | 'witness'>): void {
    if (!peer.connected || version.protocolVersion < ProtocolVersion.ShortIds || !version.witness) return;
    this.capable.add(peer);
    const highNow = this.high.length < this.max;
    sendCmpct(peer, highNow);
    if (highNow) this.high.push(peer);
  }

  /** The peer said `sendcmpct` with `version`: it sends compact blocks when it is version 2. */
  said(peer: Peer, version: bigint): void {
    if (version === COMPACT_BLOCK_VERSION) this.compact.add(peer);
  }

  /** Whether the peer is asked for compact blocks (it said `sendcmpct` version 2). */
  sendsCompact(peer: Peer): boolean {
    return this.compact.has(peer);
  }

  /** The peer announced a block first: into the high-bandwidth set, the longest-serving member leaving it when full. */
  promote(peer: Peer): void {
    if (this.max === 0 || !this.capable.has(peer) || this.high.includes(peer)) return;
    sendCmpct(peer, true);
    this.high.push(peer);
    if (this.high.length > this.max) sendCmpct(this.high.shift()!, false);
  }

  /** The peer left. */
  forget(peer: Peer): void {
    this.capable.delete(peer);
    this.compact.delete(peer);
    const at = this.high.indexOf(peer);
    if (at >= 0) this.high.splice(at, 1);
  }
}

const sendCmpct = (peer: Peer, announce: boolean): void => peer.queue({ command: 'sendcmpct', announce, version: COMPACT_BLOCK_VERSION });
