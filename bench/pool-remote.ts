/**
 * The far side of the pool bench, in its own process so that the pool's
 * memory is measured alone: 8 rxbtc listeners on their own loopback /16s
 * (127.201.0.1 …) and, on request, inbound dialers to the pool.
 */
import { MruSet, connectTcp, createPeer, listenTcp, networks, type Peer } from '../lib/index.js';

/** Requests from the bench. */
export type ToRemote = { type: 'dial'; port: number; n: number } | { type: 'churn'; port: number; seconds: number };
/** Answers to the bench. */
export type FromRemote = { type: 'ready'; targets: string[] } | { type: 'done' };

const network = networks.regtest;
const served: Peer[] = [];
const dialled: Peer[] = [];
const send = (m: FromRemote): void => void process.send?.(m);
const config = { network, sentNonces: new MruSet<bigint>(50), userAgent: { name: 'pool-bench', version: '1.0' } };

const dial = async (port: number): Promise<void> => {
  const peer = createPeer(await connectTcp({ host: '127.0.0.1', port }), { ...config, inbound: false, transport: 'v1' });
  await peer.handshake;
  dialled.push(peer);
};

const targets: string[] = [];
for (let i = 0; i < 8; i++) {
  const host = `127.${201 + i}.0.1`;
  const listener = await listenTcp({ host });
  listener.connections$.subscribe((c) => {
    const p = createPeer(c, { ...config, inbound: true });
    p.handshake.catch(() => undefined);
    served.push(p);
  });
  targets.push(`${host}:${listener.port}`);
}

process.on('message', (m: ToRemote) => {
  void (async () => {
    if (m.type === 'dial') {
      for (let i = 0; i < m.n; i += 10) await Promise.all(Array.from({ length: Math.min(10, m.n - i) }, () => dial(m.port)));
    } else {
      // Every 500 ms: 10 inbound peers hang up and dial again, and one outbound peer of the pool is cut.
      const end = Date.now() + m.seconds * 1000;
      while (Date.now() < end) {
        const gone = dialled.splice(0, 10);
        for (const p of gone) p.disconnect('churn');
        served.find((p) => p.connected)?.disconnect('churn');
        await Promise.all(gone.map(() => dial(m.port)));
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    send({ type: 'done' });
  })();
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', targets });
