import { Subject, firstValueFrom, filter, take, toArray } from 'rxjs';
import {
  MruSet,
  createPeer,
  encodeTransaction,
  memoryPair,
  netgroup,
  networks,
  txid,
  wtxid,
  type Connection,
  type Peer,
  type Transaction,
} from '../../lib/index.js';
import { hosts, poolWorld } from '../helpers/pool-world.js';
import { bookOf } from './named-world.js';
import { advance, settle } from '../helpers/virtual-time.js';

const network = networks.regtest;

describe('createPool (virtual time, memory pairs)', () => {
  it('keeps `outbound` peers, at most one per /16, and sends getaddr to each', async () => {
    const w = poolWorld();
    const all = [...hosts(9), '127.1.0.2', '127.1.0.3', '127.2.0.9']; // 9 netgroups, three extra addresses in used groups
    for (const h of all) w.remotes.set(h, {});
    const { pool } = w.pool({ addressBook: bookOf(all.map((h) => `${h}:18444`)) });
    await advance(w.clock, 2000);
    const peers = pool.peers();
    expect(peers).toHaveLength(8);
    expect(new Set(peers.map((p) => p.netgroup)).size).toBe(8);
    expect(peers.every((p) => !p.inbound)).toBe(true);
    for (const p of peers) {
      const far = w.live(p.address.host)[0]!;
      expect(far).toBeDefined();
    }
    const getaddrs = w.served.filter((s) => s.peer.connected).length;
    expect(getaddrs).toBe(8);
    await w.closeAll();
  });

  it('redials a dead address with exponential backoff and jitter, and connects once it comes up', async () => {
    const w = poolWorld();
    const { pool, events } = w.pool({ connect: ['127.1.0.1:18444'], outbound: 1, backoff: { base: 1000, max: 16_000 } });
    await advance(w.clock, 40_000, 100);
    const times = w.dials.map((d) => d.at);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // random() = 0.999: each delay is ~99.95 % of base·2^(n−1), capped at 16 s (the timer rounds to the 100 ms step)
    expect(gaps.slice(0, 5).map((g) => Math.round(g / 1000))).toEqual([1, 2, 4, 8, 16]);
    expect(gaps.slice(5).every((g) => g >= 15_900 && g <= 16_100)).toBe(true);
    expect(events.filter((e) => e.type === 'dial-failed')).toHaveLength(times.length);
    w.remotes.set('127.1.0.1', {});
    await advance(w.clock, 17_000, 100);
    expect(pool.peers()).toHaveLength(1);
    expect(pool.addressBook.get({ host: '127.1.0.1', port: 18444 })).toMatchObject({ tried: true, attempts: 0 });
    await w.closeAll();
  });

  it('replaces a lost peer at once with an address from a free netgroup, and the lost one after its backoff', async () => {
    const w = poolWorld();
    for (const h of hosts(4)) w.remotes.set(h, {});
    const { pool } = w.pool({ addressBook: bookOf(hosts(4).map((h) => `${h}:18444`)), outbound: 3 });
    await advance(w.clock, 1000);
    expect(pool.peers()).toHaveLength(3);
    const idle = hosts(4).find((h) => !pool.peers().some((p) => p.address.host === h))!;
    const victim = pool.peers()[0]!;
    w.live(victim.address.host)[0]!.disconnect('killed');
    await advance(w.clock, 100, 10);
    expect(pool.peers()).toHaveLength(3);
    expect(pool.peers().some((p) => p.address.host === idle)).toBe(true);
    expect(pool.peers().some((p) => p.address.host === victim.address.host)).toBe(false);
    await w.closeAll();
  });

  it('bans a flooding peer’s host at once, does not redial it until the ban expires, and refuses it inbound', async () => {
    const w = poolWorld();
    w.remotes.set('127.1.0.1', {
      onPeer: (far) =>
        void far.handshake
          .then(async () => {
            for (let i = 0; i < 80; i++) await far.send({ command: 'ping', nonce: BigInt(i) });
          })
          .catch(() => undefined), // the pool cuts it off midway
    });
    w.remotes.set('127.2.0.1', {});
    const listen = new Subject<Connection>();
    const { pool, events } = w.pool({
      addressBook: bookOf(['127.1.0.1:18444', '127.2.0.1:18444']), // picked, not named: bans cover the host
      outbound: 2,
      flood: { burst: 50, perSecond: 10 },
      banDuration: 60_000,
      listen: { connections$: listen },
    });
    await advance(w.clock, 1000, 10);
    const ban = events.find((e) => e.type === 'banned');
    expect(ban).toMatchObject({ type: 'banned', host: '127.1.0.1', reason: 'flood' });
    const removed = events.find((e) => e.type === 'removed' && e.address.host === '127.1.0.1');
    expect(removed).toMatchObject({ error: expect.objectContaining({ code: 'flood' }) });
    expect(pool.bans().map((b) => b.host)).toEqual(['127.1.0.1']);
    const dialsBefore = w.dials.filter((d) => d.host === '127.1.0.1').length;
    const [inbound, far] = memoryPair({ names: ['pool', '127.1.0.1:5555'] });
    listen.next(inbound);
    await settle();
    expect(events).toContainEqual({ type: 'refused', address: '127.1.0.1:5555', reason: 'banned' });
    await firstValueFrom(far.bytes$.pipe(toArray())); // closed by the pool
    await advance(w.clock, 55_000, 1000);
    expect(w.dials.filter((d) => d.host === '127.1.0.1').length).toBe(dialsBefore);
    w.remotes.set('127.1.0.1', {}); // reformed
    await advance(w.clock, 40_000, 1000);
    expect(pool.bans()).toEqual([]);
    expect(
      pool
        .peers()
        .map((p) => p.address.host)
        .sort(),
    ).toEqual(['127.1.0.1', '127.2.0.1']);
    await w.closeAll();
  });

  it('asks DNS seeds through the injected resolver only while the book is short', async () => {
    const w = poolWorld();
    for (const h of hosts(3, 20)) w.remotes.set(h, {});
    const asked: string[] = [];
    const seeded = { ...network, port: 18444, dnsSeeds: ['seed.one.test', 'seed.broken.test'] };
    const resolver = (name: string): Promise<string[]> => {
      asked.push(name);
      return name === 'seed.one.test' ? Promise.resolve(hosts(3, 20)) : Promise.reject(new Error('SERVFAIL'));
    };
    const { pool, events } = w.pool({ network: seeded, dnsSeeds: true, resolver, outbound: 3 });
    await advance(w.clock, 1000);
    expect(asked.sort()).toEqual(['seed.broken.test', 'seed.one.test']);
    expect(events).toContainEqual({ type: 'seeded', addresses: 3, failed: ['seed.broken.test'] });
    expect(
      pool
        .peers()
        .map((p) => p.address)
        .sort((a, b) => a.host.localeCompare(b.host)),
    ).toEqual(hosts(3, 20).map((host) => ({ host, port: 18444 })));
    await w.closeAll();

    const full = poolWorld();
    const many = hosts(120, 100).map((h) => `${h}:18444`);
    const second = full.pool({ network: seeded, dnsSeeds: true, resolver, addressBook: bookOf(many), outbound: 1 });
    asked.length = 0;
    await advance(full.clock, 120_000, 5000);
    expect(asked).toEqual([]);
    expect(second.pool.peers()).toHaveLength(0);
    await full.closeAll();
  });

  it('learns addresses from addr and addrv2 and dials them', async () => {
    const w = poolWorld();
    w.remotes.set('127.1.0.1', {
      onPeer: (far) =>
        void far.handshake.then(() =>
          far.send({
            command: 'addrv2',
            addresses: [{ network: 1, address: Uint8Array.of(127, 7, 0, 1), port: 18444, services: 1n, timestamp: 1 }],
          }),
        ),
    });
    w.remotes.set('127.7.0.1', {});
    const { pool } = w.pool({ connect: ['127.1.0.1:18444'], outbound: 2 });
    await advance(w.clock, 2000);
    expect(pool.addressBook.get({ host: '127.7.0.1', port: 18444 })?.source).toBe(netgroup('127.1.0.1'));
    expect(
      pool
        .peers()
        .map((p) => p.address.host)
        .sort(),
    ).toEqual(['127.1.0.1', '127.7.0.1']);
    await w.closeAll();
  });

  it('accepts inbound peers within the total and per-netgroup limits, and answers one getaddr', async () => {
    const w = poolWorld();
    const listen = new Subject<Connection>();
    const { pool, events } = w.pool({ outbound: 0, maxInbound: 3, maxInboundPerNetgroup: 2, listen: { connections$: listen } });
    pool.addressBook.add([{ host: '127.50.0.1', port: 18444, services: 1n, timestamp: 9 }], 'self');
    await pool.ready;
    const fars: Peer[] = [];
    for (const host of ['127.1.0.1', '127.1.0.2', '127.1.0.3', '127.2.0.1', '127.3.0.1']) {
      const [ours, theirs] = memoryPair({ names: ['pool', `${host}:5000`] });
      fars.push(createPeer(theirs, { network, inbound: false, transport: 'v1', scheduler: w.clock, sentNonces: new MruSet(50) }));
      listen.next(ours);
    }
    await advance(w.clock, 1000);
    expect(pool.peers().map((p) => p.address.host)).toEqual(['127.1.0.1', '127.1.0.2', '127.2.0.1']);
    expect(events.flatMap((e) => (e.type === 'refused' ? [e.reason] : []))).toEqual([
      'inbound limit per netgroup (2) reached',
      'inbound limit (3) reached',
    ]);
    const addr = firstValueFrom(fars[0]!.messages$.pipe(filter((m) => m.command === 'addr' || m.command === 'addrv2')));
    await fars[0]!.send({ command: 'getaddr' });
    expect(await addr).toMatchObject({ addresses: [expect.objectContaining({ port: 18444 })] });
    await w.closeAll();
  });

  it('broadcasts a transaction by txid or wtxid, serves getdata, and reports who asked', async () => {
    const w = poolWorld();
    w.remotes.set('127.1.0.1', {});
    w.remotes.set('127.2.0.1', { wtxidRelay: true });
    const { pool } = w.pool({ connect: ['127.1.0.1:1', '127.2.0.1:1'], outbound: 2 });
    await advance(w.clock, 1000);
    const tx: Transaction = {
      version: 2,
      inputs: [{ txid: new Uint8Array(32).fill(1), vout: 0, script: new Uint8Array(0), sequence: 0xffffffff, witness: [Uint8Array.of(7)] }],
      outputs: [{ value: 1000n, script: Uint8Array.of(0x51) }],
      lockTime: 0,
    };
    const invs = w.served.map((s) => firstValueFrom(s.peer.on('inv')));
    const broadcast = pool.broadcast(tx);
    const asked = firstValueFrom(broadcast.requests$.pipe(take(2), toArray()));
    const [legacy, modern] = await Promise.all(invs);
    expect(legacy!.items).toEqual([{ type: 1, hash: txid(tx) }]);
    expect(modern!.items).toEqual([{ type: 5, hash: wtxid(tx) }]);
    const got = w.served.map((s) => firstValueFrom(s.peer.on('tx')));
    await w.served[0]!.peer.send({ command: 'getdata', items: [{ type: 1, hash: txid(tx) }] });
    await w.served[1]!.peer.send({ command: 'getdata', items: [{ type: 5, hash: wtxid(tx) }] });
    const [plain, full] = await Promise.all(got);
    expect(encodeTransaction(plain!.tx)).toEqual(encodeTransaction(tx, false));
    expect(encodeTransaction(full!.tx)).toEqual(encodeTransaction(tx));
    expect((await asked).length).toBe(2);
    expect(broadcast.txid).toMatch(/^[0-9a-f]{64}$/);
    broadcast.stop();
    await w.closeAll();
  });

  it('prefers the peer with the highest claimed height, and close() releases every peer and timer', async () => {
    const w = poolWorld();
    w.remotes.set('127.1.0.1', { newestBlock: () => ({ hash: new Uint8Array(32), height: 10 }) });
    w.remotes.set('127.2.0.1', { newestBlock: () => ({ hash: new Uint8Array(32), height: 500 }) });
    w.remotes.set('127.3.0.1', { newestBlock: () => ({ hash: new Uint8Array(32), height: 20 }) });
    const { pool } = w.pool({ connect: hosts(3).map((h) => `${h}:1`), outbound: 3 });
    await advance(w.clock, 1000);
    expect(pool.bestPeer()?.stats().startHeight).toBe(500);
    let completed = false;
    pool.events$.subscribe({ complete: () => (completed = true) });
    await pool.close();
    expect(completed).toBe(true);
    expect(w.served.every((s) => !s.peer.connected)).toBe(true);
    await advance(w.clock, 3_600_000, 60_000);
    expect(w.dials).toHaveLength(3);
  });
});
