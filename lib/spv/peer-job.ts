import type { DownloadJob } from '../download/download-job.js';
import type { Peer } from '../peer/peer-api.js';

/** What every download job over peers shares: how a stalled peer is dismissed, its liveness, byte count and ping. */
export const peerJob: Pick<DownloadJob<Peer, unknown, unknown>, 'dismiss' | 'available' | 'received' | 'roundTrip'> = {
  dismiss: (peer, error) => peer.disconnect(error.message, error),
  available: (peer) => peer.connected,
  received: (peer) => peer.stats().bytesReceived,
  roundTrip: (peer) => {
    const micros = peer.stats().lastPingMicros;
    return micros > 0 ? micros / 1000 : undefined;
  },
};
