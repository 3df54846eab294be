import { keyExchangeFailed } from '../peer/open-peer.js';
import { randomNonce } from '../peer/nonce.js';
import type { Peer } from '../peer/peer-api.js';
import type { Message } from '../wire/message.js';
import type { Network } from '../wire/networks.js';
import { serviceNames } from '../wire/services.js';
import { explainError } from './explain-error.js';
import { formatMessage, messageToJson } from './format-message.js';
import type { CliIO } from './io.js';
import { onInterrupt } from './output.js';

/** How {@link watchPeer} prints. */
export interface WatchPeerOptions {
  /** What the peer is called in the lines (`host:port`). */
  label: string;
  /** The network, for explaining a failed handshake. */
  network: Network;
  /** JSON lines. */
  json: boolean;
  /** A v2 attempt that may be retried with v1: a failed key exchange is then left to the retry to report. */
  downgrading?: boolean;
}

/**
 * Print one peer's handshake, messages, ping latency and disconnect until it
 * ends (`connect` and `listen`). Resolves with an exit code: 1 when the
 * handshake failed or the connection ended on an error, else 0.
 */
export async function watchPeer(peer: Peer, options: WatchPeerOptions, io: CliIO): Promise<number> {
  const { label, network, json } = options;
  const stamp = (): string => new Date().toISOString().slice(11, 23);
  const emit = (event: string, text: string, fields: Record<string, unknown>): void =>
    json
      ? io.out(JSON.stringify({ time: new Date().toISOString(), peer: label, event, ...fields }))
      : io.out(`${stamp()} ${label} ${text}`);
  const stopOnInterrupt = onInterrupt(io, () => peer.disconnect('interrupted'));
  // Subscribe before the handshake resolves: messages that arrive with the verack are delivered at once.
  // They are printed after the handshake line.
  const ping = { nonce: randomNonce(), sent: 0 };
  const early: Message[] = [];
  let ready = false;
  const print = (m: Message): void => {
    emit('message', `← ${formatMessage(m)}`, messageToJson(m));
    if (m.command === 'pong' && m.nonce === ping.nonce) {
      const ms = performance.now() - ping.sent;
      emit('latency', `ping latency ${ms.toFixed(2)} ms`, { ms: Number(ms.toFixed(3)) });
    }
  };
  peer.messages$.subscribe((m) => (ready ? print(m) : early.push(m)));
  try {
    let negotiated;
    try {
      negotiated = await peer.handshake;
    } catch (e) {
      const closed = await peer.closed;
      if (options.downgrading === true && keyExchangeFailed(peer)) return 1; // connectPeer retries with v1; that peer reports
      const why = explainError(closed.error ?? e, network);
      if (json) emit('error', why, { error: why });
      else io.err(`${label}: ${why}`);
      return 1;
    }
    const { remote, protocolVersion, transport = 'v1', sessionId } = negotiated;
    emit(
      'handshake',
      `handshake: ${remote.userAgent} version ${remote.version} (negotiated ${protocolVersion}), services ${serviceNames(remote.services).join(',') || 'none'}, height ${remote.startHeight}, transport ${transport}${sessionId ? ` (session id ${sessionId})` : ''}`,
      {
        transport,
        ...(sessionId ? { sessionId } : {}),
        userAgent: remote.userAgent,
        version: remote.version,
        negotiated: protocolVersion,
        services: serviceNames(remote.services),
        startHeight: remote.startHeight,
        relay: remote.relay,
      },
    );
    ready = true;
    early.splice(0).forEach(print);
    ping.sent = performance.now();
    await peer.send({ command: 'ping', nonce: ping.nonce }).catch(() => undefined);
    const { reason, error } = await peer.closed;
    const s = peer.stats();
    emit('disconnect', `disconnected: ${reason} (${s.bytesReceived} bytes in, ${s.bytesSent} out)`, {
      reason,
      bytesReceived: s.bytesReceived,
      bytesSent: s.bytesSent,
    });
    return error && !io.signal?.aborted ? 1 : 0;
  } finally {
    stopOnInterrupt();
  }
}
