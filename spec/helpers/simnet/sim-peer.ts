import { createServer, type Server, type Socket } from 'node:net';
import type { SchedulerLike } from 'rxjs';
import { checkFaults, type SimFaults } from './faults.js';
import { LinkPacer } from './link-pacer.js';
import { SimConnection, type LinkSpec } from './sim-connection.js';

/** Options of `SimNet.addPeer`. */
export interface SimPeerOptions extends LinkSpec {
  /** The node every accepted connection is forwarded to. */
  upstream: { host: string; port: number };
  /** Faults from the start. @default none */
  faults?: SimFaults;
  /** Port to listen on. @default 0 (any free one, kept when the peer comes back from `refuse`) */
  port?: number;
}

/** Counters of a simulated peer, over every connection it accepted. */
export interface SimPeerStats {
  /** Bytes delivered to clients. */
  bytesDown: number;
  /** Bytes delivered to the upstream. */
  bytesUp: number;
  /** Connections accepted (refused ones not counted). */
  accepted: number;
  /** Connections open now. */
  current: number;
}

/** A simulated peer: a shaping proxy on a loopback address of its own. */
export interface SimPeer {
  /** Its address, e.g. `127.10.0.1`. */
  readonly host: string;
  /** Its port. */
  readonly port: number;
  /** A copy of its counters. */
  stats(): SimPeerStats;
  /** Replace its faults (not merged: `{}` clears them). Resolves once it listens again or stopped listening. */
  setFaults(faults: SimFaults): Promise<void>;
  /** Stop listening and close every connection. */
  close(): Promise<void>;
}

/** What a simulated peer needs beyond its options. */
export interface SimPeerContext {
  /** The clock. */
  scheduler: SchedulerLike;
  /** Jitter draws. */
  random: () => number;
}

/** @throws RangeError for a bandwidth that is not positive, or a latency or jitter below 0 */
function checkLink(link: LinkSpec): void {
  for (const bandwidth of [link.bandwidth.down, link.bandwidth.up]) new LinkPacer({ ...link, jitterMs: link.jitterMs ?? 0, bandwidth });
}

/**
 * Start a simulated peer listening on `host`.
 * @throws RangeError for bad faults or link numbers
 */
export async function startSimPeer(host: string, options: SimPeerOptions, context: SimPeerContext): Promise<SimPeer> {
  checkLink(options);
  let faults = checkFaults(options.faults ?? {});
  let closed = false;
  const stats: SimPeerStats = { bytesDown: 0, bytesUp: 0, accepted: 0, current: 0 };
  const connections = new Set<SimConnection>();
  let server: Server | undefined;
  let port = options.port ?? 0;

  const accept = (client: Socket): void => {
    stats.accepted++;
    stats.current++;
    const connection: SimConnection = new SimConnection({
      client,
      upstream: options.upstream,
      link: options,
      faults,
      scheduler: context.scheduler,
      random: context.random,
      counters: { down: (n) => (stats.bytesDown += n), up: (n) => (stats.bytesUp += n) },
      onClosed: () => {
        stats.current--;
        connections.delete(connection);
      },
    });
    connections.add(connection);
  };
  const listen = async (): Promise<void> => {
    const s = createServer({ pauseOnConnect: true, allowHalfOpen: true }, accept);
    await new Promise<void>((done, fail) => {
      s.once('error', fail);
      s.listen(port, host, () => {
        s.off('error', fail);
        done();
      });
    });
    port = (s.address() as { port: number }).port;
    server = s;
  };
  const stop = async (): Promise<void> => {
    const s = server;
    server = undefined;
    for (const c of [...connections]) c.destroy();
    if (s) await new Promise<void>((done) => s.close(() => done()));
  };

  if (!faults.refuse) await listen();
  else await listen().then(stop); // take the port now, so the peer comes back where it was
  return {
    host,
    get port() {
      return port;
    },
    stats: () => ({ ...stats }),
    setFaults: async (next) => {
      faults = checkFaults(next);
      if (faults.refuse || closed) return stop();
      for (const c of connections) c.setFaults(faults);
      if (!server) await listen();
    },
    close: () => {
      closed = true;
      return stop();
    },
  };
}
