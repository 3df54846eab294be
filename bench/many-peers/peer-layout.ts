/** Megabyte (10^6 bytes), as link speeds are quoted. */
export const MB = 1_000_000;

/** What a simulated peer does wrong in the bench. */
export type PeerFault = 'stall' | 'drop' | 'lie';

/** One simulated peer of the bench's internet. */
export interface PeerLayout {
  /** Name in reports. */
  name: string;
  /** Bandwidth toward the client, bytes/s (a quarter of it the other way). */
  down: number;
  /** One-way latency, ms (jitter up to a tenth of it on top). */
  latencyMs: number;
  /** Its fault, if any. */
  fault?: PeerFault;
}

/** Bytes the staller delivers on each connection before it stalls: past the handshake and header sync, into the filters. */
export const STALL_AFTER_BYTES = 3 * MB;
/** How long each of the dropper's connections lives. */
export const DROP_EVERY_MS = 30_000;

/**
 * Eight peers as a wallet on a home line meets them: two well-provisioned
 * servers (one near, one across an ocean), a fast one that stalls, two
 * residential-grade nodes (one dropping its connection every 30 s), a
 * slower liar, and two slow far nodes (the last Tor-like). 16.75 MB/s in
 * all; 12.75 MB/s from the peers that serve honestly and do not stall,
 * of which the fastest single peer (P1) is 31 %: a perfect spread over
 * them is at most 3.2× faster than P1 alone. Listed fastest first, as on
 * the command line.
 */
export const PEERS: readonly PeerLayout[] = [
  { name: 'P1', down: 4 * MB, latencyMs: 20 },
  { name: 'P2', down: 4 * MB, latencyMs: 120 },
  { name: 'P3', down: 3 * MB, latencyMs: 40, fault: 'stall' },
  { name: 'P4', down: 2 * MB, latencyMs: 60 },
  { name: 'P5', down: 2 * MB, latencyMs: 150, fault: 'drop' },
  { name: 'P6', down: 1 * MB, latencyMs: 80, fault: 'lie' },
  { name: 'P7', down: 0.5 * MB, latencyMs: 200 },
  { name: 'P8', down: 0.25 * MB, latencyMs: 300 },
];

/** The peers a recovery can use to the end: neither the staller nor the liar (the dropper comes back). */
export const goodPeers = (): PeerLayout[] => PEERS.filter((p) => p.fault !== 'stall' && p.fault !== 'lie');

/** The fastest single peer (the first of the fastest, by bandwidth then latency). */
export const fastestPeer = (): PeerLayout => [...goodPeers()].sort((a, b) => b.down - a.down || a.latencyMs - b.latencyMs)[0]!;
