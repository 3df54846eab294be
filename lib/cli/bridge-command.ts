import { startBridge } from '../transport/websocket-bridge.js';
import type { CliIO } from './io.js';
import { eventWriter, untilAborted } from './output.js';

/** Options of {@link runBridge}. */
export interface BridgeCommand {
  /** The address to listen on. */
  host: string;
  /** The port (0: the system picks one). */
  port: number;
  /** The `HOST:PORT` targets a page may reach. */
  allow: string[];
  /** The page origins allowed (none: any). */
  origins: string[];
  /** Connections per remote address, or undefined for the bridge's default. */
  maxPerIp: number | undefined;
  /** JSON lines. */
  json: boolean;
}

/**
 * `rxbtc bridge --allow HOST:PORT...`: relay WebSocket ↔ TCP for pages in a
 * browser until Ctrl-C. Resolves with 0, or 1 when the port cannot be
 * listened on.
 */
export async function runBridge(cmd: BridgeCommand, io: CliIO): Promise<number> {
  const line = eventWriter(io, cmd.json);
  let bridge;
  try {
    bridge = await startBridge({
      host: cmd.host,
      port: cmd.port,
      allow: cmd.allow,
      ...(cmd.origins.length > 0 ? { origins: cmd.origins } : {}),
      ...(cmd.maxPerIp === undefined ? {} : { maxPerIp: cmd.maxPerIp }),
      log: (l) => line('log', l, { message: l }),
    });
  } catch (e) {
    io.err(`cannot listen on ${cmd.host}:${cmd.port}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  line('listening', `bridge on ws://${cmd.host}:${bridge.port}/ to ${cmd.allow.join(', ')}; Ctrl-C to stop`, {
    host: cmd.host,
    port: bridge.port,
    allow: cmd.allow,
  });
  await untilAborted(io);
  await bridge.close();
  return 0;
}
