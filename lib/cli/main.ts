import { listenTcp } from '../transport/listen-tcp.js';
import { randomNonce } from '../peer/nonce.js';
import { connectPeer } from '../peer/connect-peer.js';
import { keyExchangeFailed } from '../peer/open-peer.js';
import type { Peer } from '../peer/peer-api.js';
import { createPeer } from '../peer/peer.js';
import { RXBTC_USER_AGENT } from '../peer/user-agent.js';
import type { Message } from '../wire/message.js';
import type { Network } from '../wire/networks.js';
import { serviceNames } from '../wire/services.js';
import { USAGE, UsageError, parseCli } from './args.js';
import { explainError } from './explain-error.js';
import { startBridge } from '../transport/websocket-bridge.js';
import { runHeaders } from './headers-command.js';
import { eventWriter, onInterrupt, untilAborted } from './output.js';
import { runWatch } from './watch-command.js';
import { runAddress } from './address-command.js';
import { runSend } from './send-command.js';
import { runFollow } from './follow-command.js';
import { StoreError } from '../storage/store-error.js';
import { formatMessage, messageToJson } from './format-message.js';

/** Where the CLI writes, and what stops it. */
export interface CliIO {
  /** One line of normal output. */
  out(line: string): void;
  /** One line of error output. */
  err(line: string): void;
  /** Aborting disconnects every peer and ends the command (Ctrl-C). */
  signal?: AbortSignal;
}

/** Print one peer's handshake, messages, ping latency and disconnect until it ends. Resolves with an exit code. */
async function watchPeer(peer: Peer, label: string, network: Network, json: boolean, io: CliIO, downgrading = false): Promise<number> {
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
      if (downgrading && keyExchangeFailed(peer)) return 1; // connectPeer retries with v1; that peer reports
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

/**
 * Run the `rxbtc` command line: `connect`, `listen`, `--help`,
 * `--version`. Resolves with the process exit code (0 ok, 1 failure,
 * 2 usage error); never throws.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  let command;
  try {
    command = parseCli(argv);
  } catch (e) {
    io.err(`rxbtc: ${e instanceof UsageError ? e.message : String(e)}`);
    io.err('try rxbtc --help');
    return 2;
  }
  switch (command.kind) {
    case 'help':
      io.out(USAGE.trimEnd());
      return 0;
    case 'version':
      io.out(RXBTC_USER_AGENT.version);
      return 0;
    case 'connect': {
      const { host, port, network, proxy, json, transport } = command;
      // Each peer is watched from its creation (nothing that comes with the handshake is missed); with auto, a v2
      // attempt that a v1-only node drops stays quiet and the v1 retry reports.
      const watched = new Map<Peer, Promise<number>>();
      let last: Promise<number> | undefined;
      try {
        const peer = await connectPeer({
          host,
          port,
          network,
          transport,
          ...(proxy === undefined ? {} : { proxy }),
          onPeer: (p) => {
            last = watchPeer(p, `${host}:${port}`, network, json, io, transport === 'auto' && watched.size === 0);
            watched.set(p, last);
          },
        });
        return await watched.get(peer)!;
      } catch (e) {
        if (last) return last;
        io.err(`${e instanceof Error ? e.message : String(e)}${proxy ? ` (through ${proxy})` : ''}`);
        return 1;
      }
    }
    case 'headers':
    case 'watch':
      try {
        return await (command.kind === 'headers' ? runHeaders(command, io) : runWatch(command, io));
      } catch (e) {
        // A datadir that cannot be used (damaged, another network's, another program's file) is said plainly.
        if (!(e instanceof StoreError)) throw e;
        io.err(`rxbtc: ${e.message}`);
        return 1;
      }
    case 'address':
      try {
        return await runAddress(command, io);
      } catch (e) {
        if (!(e instanceof StoreError)) throw e;
        io.err(`rxbtc: ${e.message}`);
        return 1;
      }
    case 'send':
      return runSend(command, io);
    case 'follow':
      return runFollow(command, io);
    case 'bridge': {
      const line = eventWriter(io, command.json);
      let bridge;
      try {
        bridge = await startBridge({
          host: command.host,
          port: command.port,
          allow: command.allow,
          ...(command.origins.length > 0 ? { origins: command.origins } : {}),
          ...(command.maxPerIp === undefined ? {} : { maxPerIp: command.maxPerIp }),
          log: (l) => line('log', l, { message: l }),
        });
      } catch (e) {
        io.err(`cannot listen on ${command.host}:${command.port}: ${e instanceof Error ? e.message : String(e)}`);
        return 1;
      }
      line('listening', `bridge on ws://${command.host}:${bridge.port}/ to ${command.allow.join(', ')}; Ctrl-C to stop`, {
        host: command.host,
        port: bridge.port,
        allow: command.allow,
      });
      await untilAborted(io);
      await bridge.close();
      return 0;
    }
    case 'listen': {
      const { host, port, network, json } = command;
      let listener;
      try {
        listener = await listenTcp({ host, port });
      } catch (e) {
        io.err(`cannot listen on ${host}:${port}: ${e instanceof Error ? e.message : String(e)}`);
        return 1;
      }
      if (json)
        io.out(JSON.stringify({ time: new Date().toISOString(), event: 'listening', host, port: listener.port, network: network.name }));
      else io.out(`listening on ${host}:${listener.port} (${network.name}); Ctrl-C to stop`);
      const watching = new Set<Promise<number>>();
      const accepting = listener.connections$.subscribe((connection) => {
        const done = watchPeer(createPeer(connection, { network, inbound: true }), connection.remoteAddress, network, json, io);
        watching.add(done);
        void done.finally(() => watching.delete(done));
      });
      await untilAborted(io);
      accepting.unsubscribe();
      await listener.close();
      await Promise.all(watching);
      return 0;
    }
  }
}
