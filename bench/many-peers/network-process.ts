import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import type { SimPeerStats } from '../../spec/helpers/simnet/index.js';
import type { ChainCache } from './chain-cache.js';
import type { FromNetwork, NetworkReady, ServedReport, ToNetwork } from './network.js';

/** The network process, from the bench's side. */
export interface NetworkProcess extends Omit<NetworkReady, 'type'> {
  /** Each simulated peer's counters now, in PEERS order. */
  stats(): Promise<SimPeerStats[]>;
  /** Server connections that ended so far. */
  served: ServedReport[];
  /** Stop it. */
  close(): void;
}

/** Fork network.js over the cache and wait until its peers listen. */
export async function startNetwork(cache: ChainCache): Promise<NetworkProcess> {
  const child = fork(resolve(import.meta.dirname, 'network.js'), [cache.chain, cache.filters], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const served: ServedReport[] = [];
  const waiting: ((s: SimPeerStats[]) => void)[] = [];
  const ready = await new Promise<NetworkReady>((done, fail) => {
    child.on('message', (m: FromNetwork) => {
      if (m.type === 'ready') done(m);
      else if (m.type === 'served') served.push(m);
      else waiting.shift()?.(m.peers);
    });
    child.on('error', fail);
    child.on('exit', (code) => fail(new Error(`the network process exited (${code})`)));
  });
  return {
    addresses: ready.addresses,
    checkpoint: ready.checkpoint,
    minimum: ready.minimum,
    served,
    stats: () =>
      new Promise((done) => {
        waiting.push(done);
        child.send({ type: 'stats' } satisfies ToNetwork);
      }),
    close: () => child.disconnect(),
  };
}
