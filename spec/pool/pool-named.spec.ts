import { Subject } from 'rxjs';
import {
  ChainError,
  ChainErrorCode,
  MruSet,
  createPeer,
  memoryPair,
  networks,
  type Connection,
  type Pool,
  type PoolPeer,
} from '../../lib/index.js';
import { hosts, poolWorld, type FakeRemote } from '../helpers/pool-world.js';
import { advance } from '../helpers/virtual-time.js';
import { bookOf } from './named-world.js';

/** Named peers (`connect`) are Core's manual connections: all kept, whatever their netgroup, and banned by endpoint. */
const network = networks.regtest;
const HOST = '127.1.0.1';
const at = (port: number): string => `${HOST}:${port}`;
const BAN = 10 * 60_000; // short, so that the honest peer's pings run in small steps of virtual time

/** The ports of the pool's peers on `host`, sorted. */
const portsOn = (pool: Pool, host = HOST): number[] =>
  pool
    .peers()
    .filter((p) => p.address.host === host)
    .map((p) => p.address.port)
    .sort((a, b) => a - b);
/** A far side that stays: it answers getaddr (else the stall rule drops it after 30 s). */
const node: FakeRemote = {
  onPeer: (far) => void far.on('getaddr').subscribe(() => void far.send({ command: 'addr', addresses: [] }).catch(() => undefined)),
};
const member = (pool: Pool, port: number): PoolPeer => pool.peers().find((p) => p.address.host === HOST && p.address.port === port)!;
/** What a wallet's download does to a peer serving invalid headers. */
const dropLiar = (m: PoolPeer): void =>
  m.peer.disconnect('invalid headers', new ChainError(ChainErrorCode.BadPow, 'proof of work not met', 2101, '00'.repeat(32)));

describe('createPool: peers named in `connect` (virtual time, memory pairs)', () => {
  it('connects every named peer, several on one /16 and more than `outbound`, and fills the rest one per netgroup', async () => {
    const w = poolWorld();
    for (const h of [HOST, '127.1.0.9', ...hosts(3, 2)]) w.remotes.set(h, {});
    const picked = bookOf(['127.1.0.9:18444', ...hosts(3, 2).map((h) => `${h}:18444`)]);
    const { pool } = w.pool({ connect: [at(1001), at(1002), at(1003)], outbound: 5, addressBook: picked });
    await advance(w.clock, 2000, 100);
    expect(portsOn(pool)).toEqual([1001, 1002, 1003]); // one /16, all three
    const others = pool.peers().filter((p) => p.address.host !== HOST);
    expect(others).toHaveLength(2); // 5 less the 3 named
    expect(others.every((p) => p.netgroup !== 'ipv4:127.1')).toBe(true); // a named peer's /16 is taken for picked addresses
    expect(w.dials.some((d) => d.host === '127.1.0.9')).toBe(false);
    await w.closeAll();

    const many = poolWorld();
    many.remotes.set(HOST, node);
    const ten = Array.from({ length: 10 }, (_, i) => at(2001 + i));
    const big = many.pool({ connect: [...ten, ten[0]!] }); // the default target is 8; a repeat counts once
    await advance(many.clock, 2000, 100);
    expect(portsOn(big.pool)).toEqual(Array.from({ length: 10 }, (_, i) => 2001 + i));
    expect(many.dials).toHaveLength(10);
    await many.closeAll();
  });

  it('holds a down named peer’s slot, redials it with backoff and connects it once it is up', async () => {
    const w = poolWorld();
    for (const h of hosts(2, 2)) w.remotes.set(h, {});
    const { pool } = w.pool({
      connect: [at(1001)],
      outbound: 2,
      addressBook: bookOf(hosts(2, 2).map((h) => `${h}:18444`)),
      backoff: { base: 1000, max: 4000 },
    });
    await advance(w.clock, 5000, 100);
    expect(pool.peers()).toHaveLength(1); // one picked peer: the other slot waits for the named one
    expect(w.dials.filter((d) => d.host === HOST).length).toBeGreaterThanOrEqual(3);
    w.remotes.set(HOST, node);
    await advance(w.clock, 5000, 100);
    expect(portsOn(pool)).toEqual([1001]);
    expect(pool.peers()).toHaveLength(2);
    await w.closeAll();
  });

  it('bans a lying named peer by its endpoint alone: the named peer beside it on the same host stays, the liar is not redialled until the ban ends', async () => {
    const w = poolWorld();
    w.remotes.set(HOST, node);
    const { pool, events } = w.pool({ connect: [at(1001), at(1002)], banDuration: BAN, backoff: { base: 1000, max: 4000 } });
    await advance(w.clock, 1000, 100);
    expect(portsOn(pool)).toEqual([1001, 1002]);
    const honest = member(pool, 1002).peer;
    dropLiar(member(pool, 1001));
    await advance(w.clock, 100, 10);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'banned', host: HOST, port: 1001, reason: expect.stringMatching(/invalid headers/) }),
    );
    expect(pool.bans()).toEqual([expect.objectContaining({ host: HOST, port: 1001 })]);
    const dials = w.dials.length;
    await advance(w.clock, BAN - 60_000, 5000);
    expect(honest.connected).toBe(true);
    expect(portsOn(pool)).toEqual([1002]);
    expect(w.dials).toHaveLength(dials); // 1002 connected, 1001 banned: nothing dialled while the ban lasts
    await advance(w.clock, 120_000, 10_000);
    expect(pool.bans()).toEqual([]);
    expect(portsOn(pool)).toEqual([1001, 1002]); // the ban over, the named liar is dialled again
    await w.closeAll();
  });

  it('bans a misbehaving unnamed peer by host: refused inbound from the host, named peers on it kept and redialled', async () => {
    const w = poolWorld();
    w.remotes.set(HOST, node);
    const listen = new Subject<Connection>();
    const { pool, events } = w.pool({ connect: [at(1001)], banDuration: BAN, listen: { connections$: listen } });
    await advance(w.clock, 1000, 100);
    const inbound = (): Connection => {
      const [ours, theirs] = memoryPair({ names: ['pool', `${HOST}:5555`] });
      createPeer(theirs, { network, inbound: false, transport: 'v1', scheduler: w.clock, sentNonces: new MruSet(50) });
      return ours;
    };
    listen.next(inbound());
    await advance(w.clock, 1000, 100);
    const unnamed = pool.peers().find((p) => p.inbound)!;
    expect(unnamed.address).toEqual({ host: HOST, port: 5555 });
    dropLiar(unnamed);
    await advance(w.clock, 100, 10);
    expect(events).toContainEqual({
      type: 'banned',
      host: HOST,
      reason: expect.stringMatching(/invalid headers/),
      until: expect.any(Number),
    });
    expect(portsOn(pool)).toEqual([1001]); // the host ban does not cover the named endpoint
    listen.next(inbound());
    await advance(w.clock, 100, 10);
    expect(events).toContainEqual({ type: 'refused', address: `${HOST}:5555`, reason: 'banned' });
    w.live(HOST)[0]!.disconnect('restarting'); // the named node goes away: it is redialled despite its host's ban
    await advance(w.clock, 5000, 100);
    expect(portsOn(pool)).toEqual([1001]);
    await w.closeAll();
  });

  it('ban(peer) of a named peer bans its endpoint; ban(host) covers the host’s unnamed peers but no named endpoint; unban(host, port) lifts an endpoint ban', async () => {
    const w = poolWorld();
    w.remotes.set(HOST, node);
    const { pool } = w.pool({ connect: [at(1001), at(1002)], backoff: { base: 1000, max: 1000 } });
    await advance(w.clock, 1000, 100);
    pool.ban(member(pool, 1001).peer, 'caller says so');
    pool.ban(HOST, 'the whole host');
    await advance(w.clock, 5000, 100);
    expect(portsOn(pool)).toEqual([1002]);
    expect(pool.bans().map((b) => [b.host, b.port])).toEqual([
      [HOST, 1001],
      [HOST, undefined],
    ]);
    pool.unban(HOST, 1001);
    await advance(w.clock, 31_000, 1000); // the idle recheck finds it dialable again
    expect(portsOn(pool)).toEqual([1001, 1002]);
    await w.closeAll();
  });
});
