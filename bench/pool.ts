import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createPool, listenTcp, networks, type Pool } from '../lib/index.js';
import type { FromRemote, ToRemote } from './pool-remote.js';
import { lagMonitor, memory } from './scale-traffic.js';

const KiB = 1024;
const until = async (check: () => boolean, ms = 30_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('pool bench: condition not reached in time');
    await new Promise((r) => setTimeout(r, 1));
  }
};

/**
 * The pool: time for a cold pool to reach 8 outbound peers on loopback
 * (min/median/max over `rounds`), memory per peer with 8 outbound + 117
 * inbound held (heap + external after GC, the far sides in another
 * process), and event-loop lag while the set churns.
 */
export async function runPool(rounds: number, churnSeconds = 10): Promise<{ met: boolean; line: string }[]> {
  const child = fork(fileURLToPath(new URL('./pool-remote.js', import.meta.url)), []);
  const ask = (m: ToRemote): Promise<void> =>
    new Promise((resolve) => {
      const on = (r: FromRemote): void => {
        if (r.type !== 'done') return;
        child.off('message', on);
        resolve();
      };
      child.on('message', on);
      child.send(m);
    });
  const targets = await new Promise<string[]>((resolve) =>
    child.on('message', (m: FromRemote) => m.type === 'ready' && resolve(m.targets)),
  );
  const network = networks.regtest;
  try {
    const cold: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      const pool = createPool({ network, connect: targets, outbound: 8, transport: 'v1', dnsSeeds: false });
      await until(() => pool.peers().length === 8);
      cold.push(performance.now() - t0);
      await pool.close();
    }
    cold.sort((a, b) => a - b);

    const before = await memory();
    const listener = await listenTcp({ host: '127.0.0.1' });
    let pool: Pool | undefined = createPool({
      network,
      connect: targets,
      outbound: 8,
      transport: 'v1',
      dnsSeeds: false,
      listen: listener,
      maxInbound: 117,
      maxInboundPerNetgroup: 117, // every dialer comes from 127.0.0.1
    });
    const p = pool;
    await until(() => p.peers().filter((m) => !m.inbound).length === 8);
    await ask({ type: 'dial', port: listener.port, n: 117 });
    await until(() => p.peers().length === 125);
    const held = await memory();
    const perPeer = (held.heap + held.external - before.heap - before.external) / 125;

    const lag = lagMonitor();
    let lowest = 125;
    const sampler = setInterval(() => (lowest = Math.min(lowest, p.peers().length)), 5);
    await ask({ type: 'churn', port: listener.port, seconds: churnSeconds });
    clearInterval(sampler);
    const l = lag.read();
    lag.histogram.disable();
    await pool.close();
    pool = undefined;
    await listener.close();
    const ms = (x: number): string => `${x.toFixed(0)} ms`;
    return [
      {
        met: perPeer <= 64 * KiB,
        line: `pool: 8 outbound + 117 inbound held, ${(perPeer / KiB).toFixed(1)} KiB per peer (heap + external after GC; target ≤ 64 KiB)`,
      },
      {
        met: true,
        line: `pool: cold start to 8 outbound on loopback min ${ms(cold[0]!)} / median ${ms(cold[cold.length >> 1]!)} / max ${ms(cold[cold.length - 1]!)} over ${rounds} rounds`,
      },
      {
        met: l.p99 < 50,
        line: `pool: ${churnSeconds} s of churn (10 inbound redialled and 1 outbound cut every 500 ms): event-loop lag p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms (target p99 < 50 ms); fewest peers seen ${lowest}/125`,
      },
    ];
  } finally {
    child.kill();
  }
}
