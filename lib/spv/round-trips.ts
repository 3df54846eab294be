import { filter, take, Subscription, type SchedulerLike } from 'rxjs';
import { randomNonce } from '../peer/nonce.js';
import type { Peer } from '../peer/peer-api.js';
import { ProtocolVersion } from '../wire/protocol.js';

/**
 * Round trips of a set's peers: the keep-alive's last ping when there is
 * one (it pings every 2 minutes, so not yet during a first sync), else one
 * `ping` sent when the peer joins (BIP31 peers).
 */
export class RoundTrips {
  private readonly measured = new WeakMap<Peer, number>();
  private readonly scheduler: SchedulerLike;

  /** @param scheduler - the clock */
  constructor(scheduler: SchedulerLike) {
    this.scheduler = scheduler;
  }

  /** A peer's round trip, ms; undefined until measured. */
  of(peer: Peer): number | undefined {
    const { lastPingMicros } = peer.stats();
    return lastPingMicros > 0 ? lastPingMicros / 1000 : this.measured.get(peer);
  }

  /** Ping `peer` once and keep its round trip, then call `measured`; the returned Subscription stops waiting for the pong. */
  probe(peer: Peer, measured: () => void): Subscription {
    if (peer.stats().protocolVersion <= ProtocolVersion.Bip31) return Subscription.EMPTY;
    const nonce = randomNonce();
    const sent = this.scheduler.now();
    const sub = peer
      .on('pong')
      .pipe(
        filter((m) => m.nonce === nonce),
        take(1),
      )
      .subscribe(() => {
        this.measured.set(peer, this.scheduler.now() - sent);
        measured();
      });
    peer.send({ command: 'ping', nonce }).catch(() => undefined);
    return sub;
  }
}
