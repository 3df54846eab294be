import {
  MruSet,
  addrEntries,
  addrV2Entries,
  createPeer,
  listenTcp,
  networks,
  type KnownAddress,
  type Listener,
  type Peer,
} from '../../lib/index.js';

const network = networks.regtest;

/** One simulated node: where it listens, what its version says, and what gossip says about it. */
export interface InternetNode {
  /** Its own loopback address (`127.x.y.1`). */
  readonly host: string;
  /** Its listening port. */
  readonly port: number;
  /** Services in its version message. */
  readonly services: bigint;
  /** Services the other nodes' `addr`/`addrv2` answers claim for it (differs from `services` for a liar). */
  readonly claimed: bigint;
  /** Connections it accepted. */
  accepted: number;
}

/** A spec of one node for {@link startInternet}. */
export interface NodeSpec {
  /** Loopback host. */
  host: string;
  /** Services in its version. */
  services: bigint;
  /** Services gossip claims for it. @default services */
  claimed?: bigint;
}

/** Many rxbtc listeners on loopback that gossip each other's addresses (see {@link startInternet}). */
export interface SimulatedInternet {
  /** The nodes, in the order given. */
  readonly nodes: readonly InternetNode[];
  /** The node at `host`. */
  node(host: string): InternetNode;
  /** Stop every listener and drop every connection. */
  close(): Promise<void>;
}

/**
 * Start a real rxbtc listener (`listenTcp` + `createPeer`) per node, each on
 * its own loopback address; every node answers each `getaddr` with every
 * other node's address (as `addrv2` when the asker sent `sendaddrv2`, else
 * `addr`), credited with the services gossip claims for it.
 */
export async function startInternet(specs: readonly NodeSpec[]): Promise<SimulatedInternet> {
  const listeners: Listener[] = [];
  const peers = new Set<Peer>();
  const nodes: InternetNode[] = [];
  for (const spec of specs) {
    const listener = await listenTcp({ host: spec.host, port: 0 });
    listeners.push(listener);
    nodes.push({ host: spec.host, port: listener.port, services: spec.services, claimed: spec.claimed ?? spec.services, accepted: 0 });
  }
  const nowSeconds = Math.floor(Date.now() / 1000);
  const book = (except: InternetNode): KnownAddress[] =>
    nodes.filter((n) => n !== except).map((n) => ({ host: n.host, port: n.port, services: n.claimed, timestamp: nowSeconds }));
  nodes.forEach((node, i) => {
    listeners[i]!.connections$.subscribe((connection) => {
      node.accepted++;
      const peer = createPeer(connection, { network, inbound: true, services: node.services, sentNonces: new MruSet(50) });
      peer.handshake.catch(() => undefined);
      peers.add(peer);
      void peer.closed.then(() => peers.delete(peer));
      peer.on('getaddr').subscribe(() => {
        const known = book(node);
        const sent = peer.stats().wantsAddrV2 ? peer.pushAddrV2(addrV2Entries(known)) : peer.pushAddr(addrEntries(known));
        sent.catch(() => undefined);
      });
    });
  });
  return {
    nodes,
    node: (host) => nodes.find((n) => n.host === host)!,
    close: async () => {
      for (const p of peers) p.disconnect('internet closed');
      await Promise.all(listeners.map((l) => l.close()));
    },
  };
}
