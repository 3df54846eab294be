import { createPeer } from '../peer/peer.js';
import { listenTcp } from '../transport/listen-tcp.js';
import type { Network } from '../wire/networks.js';
import type { CliIO } from './io.js';
import { untilAborted } from './output.js';
import { watchPeer } from './watch-peer.js';

/** Options of {@link runListen}. */
export interface ListenCommand {
  /** The address to listen on. */
  host: string;
  /** The port (0: the system picks one). */
  port: number;
  /** Network. */
  network: Network;
  /** JSON lines. */
  json: boolean;
}

/**
 * `rxbtc listen`: accept inbound peers (v1 and v2 on one port) and print
 * each one's handshake and messages until Ctrl-C. Resolves with 0, or 1
 * when the port cannot be listened on.
 */
export async function runListen(cmd: ListenCommand, io: CliIO): Promise<number> {
  const { host, port, network, json } = cmd;
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
    const done = watchPeer(createPeer(connection, { network, inbound: true }), { label: connection.remoteAddress, network, json }, io);
    watching.add(done);
    void done.finally(() => watching.delete(done));
  });
  await untilAborted(io);
  accepting.unsubscribe();
  await listener.close();
  await Promise.all(watching);
  return 0;
}
