import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { filter, firstValueFrom } from 'rxjs';
import { Random } from '../fuzz/random.js';
import { MAX_KNOWN_INVENTORY, TRICKLE_INTERVAL, connectTcp, createPeer, networks, type Peer } from '../lib/index.js';
import type { FromListener, ToListener } from './scale-listener.js';
import { fillKnownInventory, lagMonitor, loadTraffic, memory, randomAction, serve, type Memory } from './scale-traffic.js';

/** Options of {@link runScale}. */
export interface ScaleOptions {
  /** Concurrent outbound peers. */
  peers: number;
  /** Seconds of mixed traffic after the idle measurement. */
  soakSeconds: number;
}

const KiB = 1024;
const MiB = 1024 * 1024;
const mib = (bytes: number): string => `${(bytes / MiB).toFixed(1)} MiB`;
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

type Measured = Extract<FromListener, { type: 'measured' }>;

function listenerProcess(): { child: ChildProcess; port: Promise<number>; ask: (m: ToListener) => Promise<Measured> } {
  const child = fork(fileURLToPath(new URL('./scale-listener.js', import.meta.url)), [], {
    execArgv: ['--expose-gc'],
  });
  const port = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (m: FromListener) => m.type === 'ready' && resolve(m.port));
  });
  const ask = (m: ToListener): Promise<Measured> =>
    new Promise((resolve) => {
      const on = (r: FromListener): void => {
        if (r.type !== 'measured') return;
        child.off('message', on);
        resolve(r);
      };
      child.on('message', on);
      child.send(m);
    });
  return { child, port, ask };
}

/** Dial `n` peers with at most `concurrency` handshakes in flight; resolves when all are done. */
async function dialAll(port: number, n: number, concurrency: number, onPeer: (peer: Peer) => void): Promise<Peer[]> {
  const peers: Peer[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      next++;
      const peer = createPeer(await connectTcp({ host: '127.0.0.1', port }), {
        network: networks.regtest,
        userAgent: { name: 'scale-dialer', version: '1.0' },
      });
      onPeer(peer);
      await peer.handshake;
      peers.push(peer);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return peers;
}

/**
 * The scale bench: `peers` rxbtc peers dial an rxbtc listener (a child
 * process) on 127.0.0.1, all handshakes complete, every peer pings, then
 * memory per idle peer is measured on both sides, then `soakSeconds` of
 * mixed traffic run with the heap sampled after full collections, then
 * everything disconnects and the heap is measured again.
 */
export async function runScale(options: ScaleOptions): Promise<void> {
  const { peers: n, soakSeconds } = options;
  const traffic = loadTraffic();
  const listener = listenerProcess();
  const port = await listener.port;
  const before = await memory();
  const listenerBefore = await listener.ask({ type: 'measure' });
  const lag = lagMonitor();
  const rows: Record<string, string>[] = [];
  const row = (metric: string, value: string, target = ''): void => void rows.push({ metric, value, target });

  let received = 0;
  const t0 = performance.now();
  const peers = await dialAll(port, n, 100, (peer) => {
    serve(peer, traffic);
    peer.messages$.subscribe(() => {
      received++;
    });
  });
  const handshakeSecs = (performance.now() - t0) / 1000;
  const turn = (): Promise<unknown> => new Promise((r) => setTimeout(r, 20)); // let the lag timer record a blocked stretch
  await turn();
  const connectLag = lag.read();
  row('handshakes', `${n} in ${handshakeSecs.toFixed(2)} s = ${Math.round(n / handshakeSecs)}/s`);
  row('event-loop lag while connecting', `p50 ${connectLag.p50} ms, p99 ${connectLag.p99} ms, max ${connectLag.max} ms`);

  const rtts: number[] = [];
  const t1 = performance.now();
  await Promise.all(
    peers.map(async (peer, i) => {
      const nonce = BigInt(i + 1) << 20n;
      const sent = performance.now();
      const pong = firstValueFrom(peer.on('pong').pipe(filter((m) => m.nonce === nonce)));
      await peer.send({ command: 'ping', nonce });
      await pong;
      rtts.push(performance.now() - sent);
    }),
  );
  rtts.sort((a, b) => a - b);
  await turn();
  const pingLag = lag.read();
  row(
    'pings',
    `${n} round trips in ${((performance.now() - t1) / 1000).toFixed(2)} s; rtt p50 ${percentile(rtts, 50).toFixed(1)} ms, p99 ${percentile(rtts, 99).toFixed(1)} ms`,
  );
  row('event-loop lag while pinging', `p50 ${pingLag.p50} ms, p99 ${pingLag.p99} ms, max ${pingLag.max} ms`);

  await new Promise((r) => setTimeout(r, 1000));
  const idle = await memory();
  const listenerIdle = await listener.ask({ type: 'measure' });
  const perPeer = (a: Memory, b: Memory): number => (b.heap + b.external - a.heap - a.external) / n;
  const dialerPerPeer = perPeer(before, idle);
  const listenerPerPeer = perPeer(listenerBefore, listenerIdle);
  row(
    'memory per idle peer, dialing side',
    `${(dialerPerPeer / KiB).toFixed(1)} KiB heap+external (${((idle.rss - before.rss) / n / KiB).toFixed(0)} KiB rss)`,
    '≤ 64 KiB',
  );
  row(
    'memory per idle peer, listening side',
    `${(listenerPerPeer / KiB).toFixed(1)} KiB heap+external (${listenerIdle.handshaken}/${listenerIdle.peers} peers handshaken)`,
    '≤ 64 KiB',
  );
  const idleLag = lag.read();
  row('event-loop lag while idle', `p50 ${idleLag.p50} ms, p99 ${idleLag.p99} ms, max ${idleLag.max} ms`);

  if (soakSeconds > 0) {
    // Fill every known-inventory cache to its cap first (both sides), so the soak measures the steady state.
    const rnd = new Random(0x50a4);
    for (const peer of peers) fillKnownInventory(peer, MAX_KNOWN_INVENTORY, rnd);
    listener.child.send({ type: 'fill', items: MAX_KNOWN_INVENTORY } satisfies ToListener);
    await new Promise((r) => setTimeout(r, TRICKLE_INTERVAL + 3000));
    const fillLag = lag.read();
    const full = await memory();
    const listenerFull = await listener.ask({ type: 'measure' });
    row(
      'known-inventory caches filled (1,000 items each side)',
      `1,000 inv items queued to each peer: lag p99 ${fillLag.p99} ms, max ${fillLag.max} ms; then ${((full.heap + full.external - before.heap - before.external) / n / KiB).toFixed(0)} / ${((listenerFull.heap + listenerFull.external - listenerBefore.heap - listenerBefore.external) / n / KiB).toFixed(0)} KiB per busy peer`,
    );
    const samples: number[] = [full.heap];
    const segments: { p50: number; p99: number; max: number }[] = [];
    lag.histogram.reset();
    listener.child.send({ type: 'soak', on: true } satisfies ToListener);
    const receivedBefore = received;
    const soak = setInterval(() => {
      for (const peer of peers) if (rnd.chance(0.05)) randomAction(peer, traffic, rnd);
    }, 100);
    const tSoak = performance.now();
    const sampleEvery = Math.max(5, Math.floor(soakSeconds / 6));
    while (performance.now() - tSoak < soakSeconds * 1000) {
      await new Promise((r) => setTimeout(r, sampleEvery * 1000));
      segments.push(lag.read()); // read before the forced GC, so its pause is not counted as traffic lag
      samples.push((await memory()).heap);
      lag.histogram.reset();
    }
    clearInterval(soak);
    listener.child.send({ type: 'soak', on: false } satisfies ToListener);
    const soakLag = {
      p50: Math.max(...segments.map((l) => l.p50)),
      p99: Math.max(...segments.map((l) => l.p99)),
      max: Math.max(...segments.map((l) => l.max)),
    };
    const secs = (performance.now() - tSoak) / 1000;
    const listenerSoak = await listener.ask({ type: 'measure' });
    const connected = peers.filter((p) => p.connected).length;
    row(
      `soak, ${secs.toFixed(0)} s of mixed traffic`,
      `${Math.round((received - receivedBefore) / secs)} msg/s received by the dialers; ${connected}/${n} still connected`,
    );
    row('soak heap, dialing side (after full GC)', samples.map(mib).join(' → '), 'no growth');
    row('soak heap, listening side (after full GC)', `${mib(listenerFull.heap)} → ${mib(listenerSoak.heap)}`, 'no growth');
    row('event-loop lag during soak (forced GCs excluded)', `p50 ${soakLag.p50} ms, p99 ${soakLag.p99} ms, max ${soakLag.max} ms`);
  }

  for (const peer of peers) peer.disconnect('bench over');
  await Promise.all(peers.map((p) => p.closed));
  peers.length = 0;
  await new Promise((r) => setTimeout(r, 500));
  const after = await memory();
  row('heap after every peer disconnected', `${mib(after.heap)} (before any peer: ${mib(before.heap)})`);
  lag.histogram.disable();
  listener.child.send({ type: 'stop' } satisfies ToListener);
  await new Promise((r) => listener.child.once('exit', r));

  console.log(`\nscale: ${n} rxbtc peers against an rxbtc listener (child process) on 127.0.0.1, regtest`);
  console.table(rows);
  const met = dialerPerPeer <= 64 * KiB && listenerPerPeer <= 64 * KiB;
  console.log(
    `${met ? 'MET ' : 'MISS'} memory per idle peer: ${(dialerPerPeer / KiB).toFixed(1)} / ${(listenerPerPeer / KiB).toFixed(1)} KiB (target ≤ 64 KiB)`,
  );
}
