import { VirtualTimeScheduler } from 'rxjs';
import { MruSet, PeerError, ProtocolError, createPeer, decodeMessages, encodeMessage, memoryPair, type Network } from '../lib/index.js';
import { remoteVersion } from '../spec/helpers/scripted-remote.js';
import { advance, settle } from '../spec/helpers/virtual-time.js';
import { FuzzFailure } from './targets.js';

/** How a live peer took a fuzz input: it still answered a ping, or it disconnected (with the error's code). */
export type PeerOutcome = 'answered' | `closed: ${string}`;

const PING_NONCE = 0x5eed_f00dn;
/** Virtual time within which a peer fed garbage must have either answered or disconnected. */
const DEADLINE = 10 * 60_000;

/**
 * Feed `bytes` to a live rxbtc peer, right after a completed handshake,
 * followed by a ping; on a virtual clock. Requires: the peer either
 * answers the ping or disconnects with a ProtocolError or PeerError, and
 * does so within ten virtual minutes (a frame left open is ended by the
 * stall or idle timeout); `closed` resolves; and once it has, no timer is
 * left on the peer's scheduler.
 * @throws FuzzFailure on a violation
 */
export async function checkPeer(network: Network, bytes: Uint8Array): Promise<PeerOutcome> {
  const clock = new VirtualTimeScheduler();
  const [local, far] = memoryPair();
  const peer = createPeer(local, { network, scheduler: clock, sentNonces: new MruSet(4) });
  peer.handshake.catch(() => undefined);
  const seen = { version: false, pong: false }; // set from subscriptions, read after awaits
  const watching = far.bytes$.pipe(decodeMessages(network)).subscribe({
    next: (m) => {
      if (m.command === 'version') seen.version = true;
      if (m.command === 'pong' && m.nonce === PING_NONCE) seen.pong = true;
    },
    error: () => undefined,
  });
  try {
    await settle();
    if (!seen.version) throw new FuzzFailure('the peer did not send its version', bytes);
    await far.write(encodeMessage(network, remoteVersion()));
    await far.write(encodeMessage(network, { command: 'verack' }));
    await peer.handshake;
    await far.write(bytes).catch(() => undefined);
    await far.write(encodeMessage(network, { command: 'ping', nonce: PING_NONCE })).catch(() => undefined);
    await settle();
    for (let waited = 0; !seen.pong && peer.connected; waited += 15_000) {
      if (waited >= DEADLINE) throw new FuzzFailure('the peer neither answered nor disconnected in 10 virtual minutes', bytes);
      await advance(clock, 15_000, 5_000);
    }
    let outcome: PeerOutcome = 'answered';
    if (!peer.connected) {
      const { error, reason } = await peer.closed;
      if (error && !(error instanceof ProtocolError || error instanceof PeerError)) {
        throw new FuzzFailure(`the peer closed with an untyped error: ${String(error)}`, bytes, error);
      }
      outcome = `closed: ${error instanceof ProtocolError || error instanceof PeerError ? error.code : reason}`;
    }
    peer.disconnect('fuzz case done');
    far.close();
    await peer.closed;
    await settle();
    const left = clock.actions.filter((a) => !a.closed).length;
    if (left > 0) throw new FuzzFailure(`${left} timers left on the scheduler after close`, bytes);
    return outcome;
  } finally {
    watching.unsubscribe();
    peer.disconnect();
    far.close();
  }
}
