import { firstValueFrom, skip, toArray, take } from 'rxjs';
import { chainParams, createHeaderChain, hashFromHex, hashToHex, networks, type ChainParams, type HeaderChain } from '../../lib/index.js';
import { rejection } from '../helpers/chain-error.js';
import { headerHash, mine, mineChain } from '../helpers/mine.js';

const network = networks.regtest;
const REGTEST_BITS = 0x207fffff;
const GENESIS = hashFromHex(network.genesisHash);
const T0 = 1_296_688_602; // regtest genesis time

function chainOf(params?: Partial<ChainParams>): HeaderChain {
  return createHeaderChain({ network, params: { ...chainParams(network), ...params } });
}

describe('HeaderChain on constructed regtest headers (each rule by its own code)', () => {
  it('extends, reports the tip, answers by height and by hash, and skips headers it already has', async () => {
    const chain = chainOf();
    const list = mineChain(GENESIS, 20, { time: T0, bits: REGTEST_BITS });
    const r = await chain.add(list);
    expect([r.added, chain.height, r.reorg]).toEqual([20, 20, undefined]);
    expect(chain.header(7)!.hashHex).toBe(hashToHex(headerHash(list[6]!)));
    expect(chain.header(hashToHex(headerHash(list[6]!)))!.height).toBe(7);
    expect(chain.header(headerHash(list[6]!))!.height).toBe(7);
    expect((await chain.add(list.slice(5, 15))).added).toBe(0);
  });

  it('bad-link: an unknown parent, and a batch that is not continuous', async () => {
    const chain = chainOf();
    const orphan = mine(new Uint8Array(32).fill(7), { time: T0 + 600, bits: REGTEST_BITS });
    expect((await rejection(chain.add([orphan]))).code).toBe('bad-link');
    const list = mineChain(GENESIS, 4, { time: T0, bits: REGTEST_BITS });
    const e = await rejection(chain.add([list[0]!, list[1]!, list[3]!]));
    expect([e.code, e.height, chain.height]).toEqual(['bad-link', 3, 2]);
  });

  it('bad-pow: a hash above the target, and bits that are negative, zero or above the limit', async () => {
    const chain = chainOf();
    const good = mine(GENESIS, { time: T0 + 600, bits: REGTEST_BITS });
    let n = 0;
    while (headerHash({ ...good, nonce: n })[31]! < 0x80) n++; // a hash above 0x7fff…: fails regtest's target
    const bad = { ...good, nonce: n };
    expect((await rejection(chain.add([bad]))).code).toBe('bad-pow');
    for (const bits of [0x20ffffff, 0x21000001, 0x00000000]) {
      expect((await rejection(chain.add([{ ...good, bits }]))).code).toBe('bad-pow');
    }
    expect(chain.height).toBe(0);
  });

  it('bad-bits: regtest never retargets, so a harder target than 0x207fffff is refused even with valid work', async () => {
    const chain = chainOf();
    const harder = mine(GENESIS, { time: T0 + 600, bits: 0x1f7fffff });
    const e = await rejection(chain.add([harder]));
    expect([e.code, e.height]).toEqual(['bad-bits', 1]);
  });

  it('time-too-old: a time equal to the median of the last 11 is refused, one second later is accepted', async () => {
    const chain = chainOf();
    const list = mineChain(GENESIS, 11, { time: T0, bits: REGTEST_BITS });
    await chain.add(list);
    const times = [T0, ...list.map((h) => h.timestamp)].slice(-11).sort((a, b) => a - b);
    const mtp = times[5]!;
    const prev = headerHash(list[10]!);
    expect((await rejection(chain.add([mine(prev, { time: mtp, bits: REGTEST_BITS })]))).code).toBe('time-too-old');
    await chain.add([mine(prev, { time: mtp + 1, bits: REGTEST_BITS })]);
    expect(chain.height).toBe(12);
  });

  it('time-too-new: more than 2 hours ahead of the injected clock', async () => {
    const now = T0 + 100_000;
    const chain = createHeaderChain({ network, now: () => now });
    expect((await rejection(chain.add([mine(GENESIS, { time: now + 7201, bits: REGTEST_BITS })]))).code).toBe('time-too-new');
    await chain.add([mine(GENESIS, { time: now + 7200, bits: REGTEST_BITS })]);
    expect(chain.height).toBe(1);
  });

  it('bad-version: versions below 4 once BIP34/66/65 are active (regtest: from height 1)', async () => {
    const chain = chainOf();
    for (const version of [1, 2, 3]) {
      expect((await rejection(chain.add([mine(GENESIS, { time: T0 + 600, bits: REGTEST_BITS, version })]))).code).toBe('bad-version');
    }
    await chain.add([mine(GENESIS, { time: T0 + 600, bits: REGTEST_BITS, version: 4 })]);
  });

  it('checkpoint-mismatch: another block at a checkpoint height, and a fork below a checkpoint already passed', async () => {
    const honest = mineChain(GENESIS, 10, { time: T0, bits: REGTEST_BITS });
    const chain = chainOf({ checkpoints: [{ height: 5, hash: hashToHex(headerHash(honest[4]!)) }] });
    const other = mineChain(GENESIS, 6, { time: T0, bits: REGTEST_BITS, salt: 1 });
    const e = await rejection(chain.add(other));
    expect([e.code, e.height, chain.height]).toEqual(['checkpoint-mismatch', 5, 4]); // the four before it are kept
    await chain.add(honest);
    // A longer branch forking at 3, below the checkpoint at 5 that the best chain has passed:
    const fork = mineChain(headerHash(honest[2]!), 20, { time: honest[2]!.timestamp, bits: REGTEST_BITS, salt: 2 });
    const f = await rejection(chain.add(fork));
    expect([f.code, f.height, chain.height]).toEqual(['checkpoint-mismatch', 4, 10]);
  });

  it('follows the branch with the most work and reports the reorganisation', async () => {
    const chain = chainOf();
    const main = mineChain(GENESIS, 20, { time: T0, bits: REGTEST_BITS });
    await chain.add(main);
    const reorgs = firstValueFrom(chain.reorg$);
    const tips = firstValueFrom(chain.tip$.pipe(skip(1), take(1), toArray()));
    const side = mineChain(headerHash(main[14]!), 5, { time: main[14]!.timestamp, bits: REGTEST_BITS, salt: 3 });
    const r1 = await chain.add(side); // 15 + 5 = 20 blocks: equal work, the first seen stays
    expect([r1.added, r1.reorg, chain.tip.hashHex]).toEqual([5, undefined, hashToHex(headerHash(main[19]!))]);
    const more = mineChain(headerHash(side[4]!), 2, { time: side[4]!.timestamp, bits: REGTEST_BITS, salt: 3 });
    const r2 = await chain.add(more);
    expect(chain.height).toBe(22);
    expect(r2.reorg!.forkHeight).toBe(15);
    expect(r2.reorg!.disconnected.map((e) => e.height)).toEqual([16, 17, 18, 19, 20]);
    expect(r2.reorg!.connected.map((e) => e.hashHex)).toEqual([...side, ...more].map((h) => hashToHex(headerHash(h))));
    expect((await reorgs).forkHeight).toBe(15);
    expect((await tips).map((t) => t.height)).toEqual([22]);
  });

  it('low-work: a branch forking more than 144 blocks of work below the tip is not stored; one within is', async () => {
    const chain = chainOf();
    const main = mineChain(GENESIS, 200, { time: T0, bits: REGTEST_BITS });
    await chain.add(main);
    const deep = mineChain(headerHash(main[9]!), 5, { time: main[9]!.timestamp, bits: REGTEST_BITS, salt: 4 });
    expect((await rejection(chain.add(deep))).code).toBe('low-work');
    expect(chain.header(headerHash(deep[0]!))).toBeUndefined();
    const near = mineChain(headerHash(main[149]!), 5, { time: main[149]!.timestamp, bits: REGTEST_BITS, salt: 4 });
    expect((await chain.add(near)).added).toBe(5);
    expect(chain.isBest(headerHash(near[0]!))).toBe(false);
  });

  it('low-work: with a minimum chain work, a branch below it is not stored while the best chain may still grow', async () => {
    const chain = chainOf({ minimumChainWork: 1000n });
    const main = mineChain(GENESIS, 10, { time: T0, bits: REGTEST_BITS });
    await chain.add(main);
    const fork = mineChain(headerHash(main[2]!), 3, { time: main[2]!.timestamp, bits: REGTEST_BITS, salt: 5 });
    expect((await rejection(chain.add(fork))).code).toBe('low-work');
  });

  it('locator: the last 10 hashes, then doubling steps, ending at genesis; after() answers it like a peer', async () => {
    const chain = chainOf();
    await chain.add(mineChain(GENESIS, 100, { time: T0, bits: REGTEST_BITS }));
    const heights = chain.locator().map((h) => chain.header(h)!.height);
    expect(heights).toEqual([100, 99, 98, 97, 96, 95, 94, 93, 92, 91, 89, 85, 77, 61, 29, 0]);
    const theirs = [chain.header(40)!.hash, chain.header(20)!.hash];
    expect(chain.after(theirs, undefined, 5).map((e) => e.height)).toEqual([41, 42, 43, 44, 45]);
    expect(chain.after(theirs, chain.header(43)!.hash).map((e) => e.height)).toEqual([41, 42, 43]);
    expect(chain.after([new Uint8Array(32).fill(9)], undefined, 3).map((e) => e.height)).toEqual([1, 2, 3]);
  });
});
