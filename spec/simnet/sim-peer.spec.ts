import { connect } from 'node:net';
import { eventually } from '../helpers/loopback.js';
import { createSimNet, type SimNet, type SimPeer } from '../helpers/simnet/index.js';
import { client, testUpstream, type TestUpstream } from './test-upstream.js';

/**
 * The shaper on real loopback sockets. Times are checked against a hard
 * lower bound (the link cannot be faster than its latency and bandwidth),
 * which every try must respect, and a generous upper one (× 1.5 + 150 ms)
 * that the best of up to three tries must meet: the machine is shared, and a
 * pause of the whole process (a collection, another job) is not the shaper's
 * doing. The measured figures are printed.
 */
const MiB = 1024 * 1024;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let upstream: TestUpstream;
let net: SimNet;
beforeEach(async () => {
  upstream = await testUpstream();
  net = createSimNet();
});
afterEach(async () => {
  await net.close();
  await upstream.close();
});

const addPeer = (extra: Partial<Parameters<SimNet['addPeer']>[0]> = {}): Promise<SimPeer> =>
  net.addPeer({ upstream: { host: '127.0.0.1', port: upstream.port }, latencyMs: 40, bandwidth: { down: 2 * MiB, up: 2 * MiB }, ...extra });

/** Time `once` (a fresh transfer, ms) until a try is within the upper bound, at most three times; every try respects `bound`. */
async function within(what: string, bound: number, once: () => Promise<number>): Promise<void> {
  const tries: number[] = [];
  while (tries.length < 3 && !tries.some((ms) => ms <= bound * 1.5 + 150)) tries.push(await once());
  console.log(
    `${what}: ${tries.map((ms) => ms.toFixed(0)).join(', ')} ms, lower bound ${bound.toFixed(0)} ms (best ${(Math.min(...tries) / bound).toFixed(3)}×)`,
  );
  for (const ms of tries) expect(ms).toBeGreaterThanOrEqual(bound);
  expect(Math.min(...tries)).toBeLessThanOrEqual(bound * 1.5 + 150);
}

describe('simulated peer on loopback', () => {
  it('listens on its own /16, one per peer', async () => {
    const [a, b] = [await addPeer(), await addPeer()];
    expect(a.host).toBe('127.10.0.1');
    expect(b.host).toBe('127.11.0.1');
    const c = await client(b.host, b.port);
    c.socket.write('echo\nhi');
    await eventually(() => c.received() === 2);
    expect(b.stats()).toEqual({ bytesDown: 2, bytesUp: 7, accepted: 1, current: 1 });
    c.socket.destroy();
    await eventually(() => b.stats().current === 0);
  });

  it('takes no less than latency + size / bandwidth to bring 1 MiB down (2 MiB/s, 40 ms)', async () => {
    const peer = await addPeer();
    // the request goes up (40 ms), the reply leaves at 2 MiB/s (500 ms) and arrives 40 ms later
    await within('1 MiB down', 40 + 500 + 40, async () => {
      const c = await client(peer.host, peer.port);
      const t = performance.now();
      c.socket.write('send 1048576\n');
      await eventually(() => c.received() === MiB, 10_000);
      c.socket.destroy();
      return c.lastAt() - t;
    });
    expect(peer.stats().bytesDown % MiB).toBe(0);
  });

  it('takes no less than latency + size / bandwidth to take 1 MiB up (1 MiB/s up, 40 ms)', async () => {
    const peer = await addPeer({ bandwidth: { down: 2 * MiB, up: MiB } });
    // the request line and 1 MiB leave at 1 MiB/s (1 s), arrive 40 ms later; the `k` comes back in 40 ms
    await within('1 MiB up', 1000 + 40 + 40, async () => {
      const c = await client(peer.host, peer.port);
      const t = performance.now();
      c.socket.write('recv 1048576\n');
      c.socket.write(Buffer.alloc(MiB));
      await eventually(() => c.received() === 1, 10_000);
      c.socket.destroy();
      return c.lastAt() - t;
    });
  });

  it('ramps up during a slow start', async () => {
    const peer = await addPeer({ bandwidth: { down: MiB, up: MiB }, faults: { slowStartMs: 1000 } });
    // 256 KiB at full rate is 250 ms. Ramping linearly over 1 s from the open, a reply starting 40 ms in has left at
    // √(40² + 2 × 1000 × 250) ≈ 708 ms and arrives 40 ms later (the open is within a ms before t)
    await within('256 KiB in a slow start', 740, async () => {
      const c = await client(peer.host, peer.port);
      const t = performance.now();
      c.socket.write('send 262144\n');
      await eventually(() => c.received() === 256 * 1024, 10_000);
      c.socket.destroy();
      return c.lastAt() - t;
    });
  });

  it('holds a fast upstream back while its client does not read', async () => {
    const peer = await addPeer();
    const c = await client(peer.host, peer.port);
    c.socket.pause();
    c.socket.write('flood\n');
    await sleep(1000);
    // Without back-pressure the proxy would take all 64 MiB from loopback in well under a second.
    console.log(`flood: the upstream's socket took ${(upstream.flooded() / MiB).toFixed(0)} MiB in 1 s`);
    expect(upstream.flooded()).toBeLessThan(32 * MiB);
  });

  it('stalls after N bytes with the socket left open', async () => {
    const peer = await addPeer({ faults: { stallAfterBytes: 100_000 } });
    const c = await client(peer.host, peer.port);
    c.socket.write('send 1048576\n');
    await eventually(() => c.received() === 100_000);
    await sleep(700);
    expect(c.received()).toBe(100_000);
    expect(c.closed()).toBe(false);
    expect(peer.stats().current).toBe(1);
    await peer.setFaults({});
    await eventually(() => c.received() === MiB, 5000);
  });

  it('closes mid-message after N bytes', async () => {
    const peer = await addPeer({ faults: { closeAfterBytes: 100_000 } });
    const c = await client(peer.host, peer.port);
    c.socket.write('send 1048576\n');
    await eventually(() => c.closed());
    expect(c.received()).toBe(100_000);
  });

  it('goes silent after T ms both ways, the socket left open', async () => {
    const peer = await addPeer({ faults: { silentAfterMs: 300 } });
    const c = await client(peer.host, peer.port);
    c.socket.write('echo\n');
    const pings = setInterval(() => c.socket.write('x'), 20);
    try {
      await sleep(600);
      const got = c.received();
      expect(got).toBeGreaterThan(3); // echoed for a while (round trip 80 ms)
      const up = peer.stats().bytesUp;
      await sleep(500);
      expect(c.received()).toBe(got);
      expect(peer.stats().bytesUp).toBe(up);
      expect(c.closed()).toBe(false);
    } finally {
      clearInterval(pings);
    }
  });

  it('drops each connection T ms after it opened; the next one works', async () => {
    const peer = await addPeer({ faults: { dropEveryMs: 300 } });
    const first = await client(peer.host, peer.port);
    const t = performance.now();
    await eventually(() => first.closed());
    expect(performance.now() - t).toBeGreaterThanOrEqual(250);
    const second = await client(peer.host, peer.port);
    second.socket.write('echo\nok');
    await eventually(() => second.received() === 2);
    await eventually(() => second.closed());
    expect(peer.stats().accepted).toBe(2);
  });

  it('refuses connections while down, and comes back on the same port', async () => {
    const peer = await addPeer();
    const open = await client(peer.host, peer.port);
    const port = peer.port;
    await peer.setFaults({ refuse: true });
    await eventually(() => open.closed());
    const refused = await new Promise<string>((done) => {
      const s = connect({ host: peer.host, port });
      s.on('connect', () => done('connected'));
      s.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    await peer.setFaults({});
    expect(peer.port).toBe(port);
    const back = await client(peer.host, port);
    back.socket.write('echo\nok');
    await eventually(() => back.received() === 2);
  });

  it('rejects bad link numbers and faults when the peer is added', async () => {
    await expect(addPeer({ bandwidth: { down: 0, up: 1 } })).rejects.toThrow(RangeError);
    await expect(addPeer({ latencyMs: -1 })).rejects.toThrow(RangeError);
    await expect(addPeer({ faults: { stallAfterBytes: -5 } })).rejects.toThrow(RangeError);
    await expect(addPeer({ faults: { dropEveryMs: 0 } })).rejects.toThrow(RangeError);
  });
});
