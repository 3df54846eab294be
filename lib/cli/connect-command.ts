import { connectPeer } from '../peer/connect-peer.js';
import type { Peer } from '../peer/peer-api.js';
import type { Network } from '../wire/networks.js';
import type { CliIO } from './io.js';
import { watchPeer } from './watch-peer.js';

/** Options of {@link runConnect}. */
export interface ConnectCommand {
  /** The peer's host. */
  host: string;
  /** Its port. */
  port: number;
  /** Network. */
  network: Network;
  /** A SOCKS5 proxy URL (`socks5://HOST:PORT`), or undefined to dial directly. */
  proxy: string | undefined;
  /** JSON lines. */
  json: boolean;
  /** BIP324 v2, v1, or v2 then v1 once if the remote drops the key exchange. */
  transport: 'auto' | 'v2' | 'v1';
}

/**
 * `rxbtc connect HOST[:PORT]`: one connection, its handshake and every
 * message until it ends (or Ctrl-C). Resolves with 0, or 1 when it could not
 * connect or ended on an error.
 */
export async function runConnect(cmd: ConnectCommand, io: CliIO): Promise<number> {
  const { host, port, network, proxy, json, transport } = cmd;
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
        last = watchPeer(p, { label: `${host}:${port}`, network, json, downgrading: transport === 'auto' && watched.size === 0 }, io);
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
