import type { PeerLayout } from './peer-layout.js';

/** Round trips a recovery cannot avoid on top of moving its bytes: the v2 handshake and version/verack, the first headers, the last filters. */
export const ROUND_TRIPS = 4;

/**
 * The least time a recovery can take through `peers`, ms:
 * least bytes ÷ the peers' combined down bandwidth + {@link ROUND_TRIPS}
 * round trips of the nearest of them.
 */
export function lowerBoundMs(leastBytes: number, peers: readonly PeerLayout[]): number {
  const bandwidth = peers.reduce((s, p) => s + p.down, 0);
  const rtt = 2 * Math.min(...peers.map((p) => p.latencyMs));
  return (leastBytes / bandwidth) * 1000 + ROUND_TRIPS * rtt;
}

/** The formula, for the report. */
export const BOUND_FORMULA = `least bytes ÷ Σ down bandwidth of the peers + ${ROUND_TRIPS} round trips of the nearest`;
