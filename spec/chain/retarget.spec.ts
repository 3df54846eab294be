import {
  ChainError,
  chainParams,
  createHeaderChain,
  decodeBits,
  encodeBits,
  networks,
  permittedTransition,
  type BlockHeader,
  type ChainParams,
  type HeaderChain,
} from '../../lib/index.js';
import { headerHash, mine, mineChain } from '../helpers/mine.js';

/*
 * Difficulty rules on constructed headers that really meet their targets. The networks' rules are Bitcoin Core's
 * (pow.cpp: GetNextWorkRequired, CalculateNextWorkRequired; validation.cpp: the BIP94 time-warp check) with one
 * change so that headers mine in microseconds: the proof-of-work limit is regtest's 2^255 − 1 (bits 0x207fffff).
 * Every expected `bits` below is worked out by hand from Core's formula
 *   new target = old target × clamp(actual timespan, two weeks / 4, two weeks × 4) / two weeks, capped at the limit,
 * then Core's GetCompact (three-byte mantissa, truncated).
 */
const EASY_LIMIT = (1n << 255n) - 1n;
const LIMIT_BITS = 0x207fffff;
const NORMAL_BITS = 0x200fffff; // target 0x0fffff · 2^232: one hash in 16 meets it
const WEEKS2 = 14 * 24 * 3600;
const T0 = 1_700_000_000;

/** Headers held as objects: every rule must hold the same when the ones it reads come from the store. */
let memoryHeaders: number | undefined;

function chainFor(name: 'mainnet' | 'testnet3' | 'testnet4', root: BlockHeader): HeaderChain {
  const network = networks[name];
  const params: ChainParams = { ...chainParams(network), powLimit: EASY_LIMIT, checkpoints: [], minimumChainWork: 0n };
  return createHeaderChain({
    network,
    params,
    checkpoint: { height: 0, header: root },
    now: () => T0 + 10 * WEEKS2,
    ...(memoryHeaders === undefined ? {} : { memoryHeaders }),
  });
}

const root = mine(new Uint8Array(32), { time: T0, bits: NORMAL_BITS });
const rootHash = headerHash(root);

/** Heights 1..2015 at NORMAL_BITS, evenly spread (whole seconds) so that the last is exactly `span` seconds after the root. */
function period(span: number): BlockHeader[] {
  const out: BlockHeader[] = [];
  let prev = rootHash;
  for (let i = 1; i <= 2015; i++) {
    const h = mine(prev, { time: T0 + Math.round((span * i) / 2015), bits: NORMAL_BITS });
    out.push(h);
    prev = headerHash(h);
  }
  return out;
}

/** A period of exactly two weeks whose last block (2015) came 3,214 s after its parent, at the limit by the 20-minute rule. */
function periodEndingAtTheLimit(): BlockHeader[] {
  const list = mineChain(rootHash, 2014, { time: T0, bits: NORMAL_BITS, spacing: 599 });
  list.push(mine(headerHash(list[2013]!), { time: T0 + WEEKS2, bits: LIMIT_BITS }));
  return list;
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'accepted';
  } catch (e) {
    if (e instanceof ChainError) return `${e.code}@${e.height}`;
    throw e;
  }
}

describe.each([
  ['the default number of headers in memory', undefined],
  ['7 headers in memory: the period’s first block and the walk back read from the store', 7],
])('%s', (_label, memory) => {
  beforeAll(() => {
    memoryHeaders = memory;
  });

  describe('retargets every 2016 blocks (mainnet rules)', () => {
    const cases: [string, number, number][] = [
      ['two weeks exactly: unchanged (0x200fffff)', WEEKS2, 0x200fffff],
      ['one week: target halved (0x2007ffff)', WEEKS2 / 2, 0x2007ffff], // 0x0fffff·2^231 → mantissa 0x07ffff
      ['2,015 seconds: clamped to a quarter (0x2003ffff)', 2015, 0x2003ffff], // 0x0fffff·2^230 → 0x03ffff
      ['ten weeks: clamped to four times (0x203ffffc)', 5 * WEEKS2, 0x203ffffc], // 0x0fffff·2^234 → 0x3ffffc
    ];
    it.each(cases)('%s', async (_what, span, expected) => {
      const list = period(span);
      const chain = chainFor('mainnet', root);
      await chain.add(list);
      const last = headerHash(list[2014]!);
      const t = list[2014]!.timestamp + 600;
      expect(await code(chain.add([mine(last, { time: t, bits: expected === NORMAL_BITS ? 0x2007ffff : NORMAL_BITS })]))).toBe(
        'bad-bits@2016',
      );
      expect(await code(chain.add([mine(last, { time: t, bits: expected })]))).toBe('accepted');
      expect(chain.height).toBe(2016);
    });

    it('never above the proof-of-work limit', async () => {
      const atLimit = mine(new Uint8Array(32), { time: T0, bits: LIMIT_BITS });
      const list = mineChain(headerHash(atLimit), 2015, { time: T0, bits: LIMIT_BITS, spacing: (5 * WEEKS2) / 2015 });
      const chain = chainFor('mainnet', atLimit);
      await chain.add(list);
      expect(await code(chain.add([mine(headerHash(list[2014]!), { time: list[2014]!.timestamp + 600, bits: LIMIT_BITS })]))).toBe(
        'accepted',
      );
    });

    it('between retargets the bits must stay the same', async () => {
      const chain = chainFor('mainnet', root);
      expect(await code(chain.add([mine(rootHash, { time: T0 + 600, bits: 0x2007ffff })]))).toBe('bad-bits@1');
      expect(await code(chain.add([mine(rootHash, { time: T0 + 5000, bits: LIMIT_BITS })]))).toBe('bad-bits@1'); // no 20-minute rule on mainnet
    });
  });

  describe("testnet3's 20-minute rule", () => {
    it('a block more than 20 minutes after its parent may (and must) use the limit; then the walk back finds the real difficulty', async () => {
      const chain = chainFor('testnet3', root);
      expect(await code(chain.add([mine(rootHash, { time: T0 + 1201, bits: NORMAL_BITS })]))).toBe('bad-bits@1');
      const easy = mine(rootHash, { time: T0 + 1201, bits: LIMIT_BITS });
      expect(await code(chain.add([easy]))).toBe('accepted');
      // Within 20 minutes of a minimum-difficulty parent: Core walks back past blocks at the limit to the last real one (the root).
      expect(await code(chain.add([mine(headerHash(easy), { time: T0 + 1801, bits: LIMIT_BITS })]))).toBe('bad-bits@2');
      expect(await code(chain.add([mine(headerHash(easy), { time: T0 + 1801, bits: NORMAL_BITS })]))).toBe('accepted');
      // Exactly 20 minutes later is not "more than": the real difficulty applies.
      expect(await code(chain.add([mine(rootHash, { time: T0 + 1200, bits: LIMIT_BITS, salt: 1 })]))).toBe('bad-bits@1');
    });

    it("not on a period's first block, and a period ending on a minimum-difficulty block retargets from the limit (testnet3's flaw)", async () => {
      const list = periodEndingAtTheLimit();
      const chain = chainFor('testnet3', root);
      await chain.add(list);
      const last = headerHash(list[2014]!);
      const t = list[2014]!.timestamp + 5000; // long after its parent, but at a retarget height the rule does not apply…
      // …and the retarget starts from the last block's bits: the limit × (two weeks / two weeks), i.e. the limit.
      expect(await code(chain.add([mine(last, { time: t, bits: NORMAL_BITS })]))).toBe('bad-bits@2016');
      expect(await code(chain.add([mine(last, { time: t, bits: LIMIT_BITS })]))).toBe('accepted');
    });
  });

  describe("testnet4's BIP94 rules", () => {
    it('the same period retargets from its first block, so the real difficulty survives a minimum-difficulty last block', async () => {
      const list = periodEndingAtTheLimit();
      const chain = chainFor('testnet4', root);
      await chain.add(list);
      const last = headerHash(list[2014]!);
      const t = list[2014]!.timestamp + 5000;
      expect(await code(chain.add([mine(last, { time: t, bits: LIMIT_BITS })]))).toBe('bad-bits@2016');
      expect(await code(chain.add([mine(last, { time: t, bits: NORMAL_BITS })]))).toBe('accepted');
    });

    it("time-warp: a period's first block more than 600 s before its parent is refused", async () => {
      const list = period(WEEKS2);
      const chain = chainFor('testnet4', root);
      await chain.add(list);
      const last = headerHash(list[2014]!);
      const parentTime = list[2014]!.timestamp;
      expect(await code(chain.add([mine(last, { time: parentTime - 601, bits: NORMAL_BITS })]))).toBe('time-warp@2016');
      expect(await code(chain.add([mine(last, { time: parentTime - 600, bits: NORMAL_BITS })]))).toBe('accepted');
      // testnet3 has no such rule: the same header is fine there.
      const t3 = chainFor('testnet3', root);
      await t3.add(list);
      expect(await code(t3.add([mine(last, { time: parentTime - 601, bits: NORMAL_BITS })]))).toBe('accepted');
    });
  });

  describe('regtest', () => {
    it('never retargets: block 2016 keeps 0x207fffff whatever the timestamps', async () => {
      const chain = createHeaderChain({ network: networks.regtest, ...(memoryHeaders === undefined ? {} : { memoryHeaders }) });
      const list = mineChain(Buffer.from(networks.regtest.genesisHash, 'hex').reverse(), 2016, {
        time: 1_296_688_602,
        bits: LIMIT_BITS,
        spacing: 1,
      });
      await chain.add(list);
      expect(chain.height).toBe(2016);
    });
  });
});

/*
 * A chain rooted at a checkpoint inside a period (here the last block of a period, as the built-in period-end
 * checkpoints are): the first retarget after it needs the period's first block, which the chain does not have, so it
 * gets Bitcoin Core's PermittedDifficultyTransition (the new target within ×4 of the old, each bound rounded through
 * the compact form); every later retarget is checked in full.
 */
describe('a checkpoint that is not on a retarget boundary', () => {
  const ROOT_HEIGHT = 5 * 2016 - 1; // 10,079: the next block is a retarget height
  const targetOf = (bits: number): bigint => decodeBits(bits).target;
  const times4Easier = encodeBits(targetOf(NORMAL_BITS) * 4n); // 0x203ffffc
  const times4Harder = encodeBits(targetOf(NORMAL_BITS) / 4n);
  const tooEasy = encodeBits(targetOf(times4Easier) + (1n << 232n));
  const tooHard = encodeBits(targetOf(times4Harder) - (1n << 220n));
  const DOUBLE = encodeBits(targetOf(NORMAL_BITS) * 2n);

  function fromMidPeriod(name: 'mainnet' | 'testnet4', rootBits = NORMAL_BITS): { chain: HeaderChain; tip: Uint8Array } {
    const network = networks[name];
    const params: ChainParams = { ...chainParams(network), powLimit: EASY_LIMIT, checkpoints: [], minimumChainWork: 0n };
    const header = mine(new Uint8Array(32), { time: T0, bits: rootBits });
    const chain = createHeaderChain({ network, params, checkpoint: { height: ROOT_HEIGHT, header }, now: () => T0 + 10 * WEEKS2 });
    return { chain, tip: headerHash(header) };
  }

  it('the bounds are what Core computes: ×4 either way of 0x200fffff', () => {
    expect([times4Easier, times4Harder].map((b) => b.toString(16))).toEqual(['203ffffc', '2003ffff']);
    const p = { ...chainParams(networks.mainnet), powLimit: EASY_LIMIT };
    expect(permittedTransition(2016, NORMAL_BITS, times4Easier, p)).toBe(true);
    expect(permittedTransition(2016, NORMAL_BITS, times4Harder, p)).toBe(true);
    expect(permittedTransition(2016, NORMAL_BITS, tooEasy, p)).toBe(false);
    expect(permittedTransition(2016, NORMAL_BITS, tooHard, p)).toBe(false);
    expect(permittedTransition(2017, NORMAL_BITS, DOUBLE, p)).toBe(false); // bits may change only at a retarget
    expect(permittedTransition(2016, NORMAL_BITS, tooEasy, { ...p, allowMinDifficultyBlocks: true })).toBe(true);
  });

  it.each([
    ['×4 easier', () => times4Easier, 'accepted'],
    ['×4 harder', () => times4Harder, 'accepted'],
    ['×2 easier', () => DOUBLE, 'accepted'],
    ['beyond ×4 easier', () => tooEasy, 'bad-bits@10080'],
    ['beyond ×4 harder', () => tooHard, 'bad-bits@10080'],
  ])('the first retarget (10,080) %s is %s', async (_label, bits, expected) => {
    const { chain, tip } = fromMidPeriod('mainnet');
    expect(await code(chain.add([mine(tip, { time: T0 + 600, bits: bits() })]))).toBe(expected);
  });

  it('the next retarget (12,096) is checked in full: only the exact value passes', async () => {
    const { chain, tip } = fromMidPeriod('mainnet');
    // 10,080 .. 12,095 at DOUBLE, exactly two weeks from the first to the last: 12,096 must keep DOUBLE.
    const first = mine(tip, { time: T0 + 600, bits: DOUBLE });
    const rest = mineChain(headerHash(first), 2015, { time: T0 + 600, bits: DOUBLE, spacing: WEEKS2 / 2015 });
    expect(await code(chain.add([first, ...rest]))).toBe('accepted');
    const last = headerHash(rest[2014]!);
    const t = rest[2014]!.timestamp + 600;
    expect(await code(chain.add([mine(last, { time: t, bits: NORMAL_BITS, salt: 1 })]))).toBe('bad-bits@12096'); // permitted, not exact
    expect(await code(chain.add([mine(last, { time: t, bits: DOUBLE })]))).toBe('accepted');
  });

  it('inside the first period the bits may not change (mainnet)', async () => {
    const { chain, tip } = fromMidPeriod('mainnet');
    const first = mine(tip, { time: T0 + 600, bits: DOUBLE });
    expect(await code(chain.add([first, mine(headerHash(first), { time: T0 + 1200, bits: NORMAL_BITS })]))).toBe('bad-bits@10081');
  });

  it('median time past near the root: the least the unknown earlier times allow', async () => {
    const { chain, tip } = fromMidPeriod('mainnet');
    // With the root alone nothing is known about the median: a header at the root's own time is fine (bcoin mines so).
    const same = mine(tip, { time: T0, bits: DOUBLE });
    expect(await code(chain.add([same]))).toBe('accepted');
    // Root + 5 headers known (6 of 11): the median is at least the earliest known; 5 unknown could all be earlier.
    const four = mineChain(headerHash(same), 4, { time: T0, bits: DOUBLE, spacing: 600 });
    await chain.add(four);
    const parent = headerHash(four[3]!);
    expect(await code(chain.add([mine(parent, { time: T0, bits: DOUBLE })]))).toBe('time-too-old@10085');
    expect(await code(chain.add([mine(parent, { time: T0 + 1, bits: DOUBLE })]))).toBe('accepted');
  });

  it('testnet4: a walk back to the last normal block that reaches the root is not held against the header', async () => {
    // The root was mined at the limit (20-minute rule); what came before it is unknown, so the next normal block's
    // bits cannot be derived: Core permits any transition on min-difficulty networks, and so does rxbtc.
    const network = networks.testnet4;
    const params: ChainParams = { ...chainParams(network), powLimit: EASY_LIMIT, checkpoints: [], minimumChainWork: 0n };
    const header = mine(new Uint8Array(32), { time: T0, bits: LIMIT_BITS });
    const chain = createHeaderChain({ network, params, checkpoint: { height: ROOT_HEIGHT - 5, header }, now: () => T0 + WEEKS2 });
    const next = mine(headerHash(header), { time: T0 + 600, bits: NORMAL_BITS });
    expect(await code(chain.add([next]))).toBe('accepted');
    // Once a normal block is known, the walk back stops there: a block 10 minutes later must keep its bits.
    expect(await code(chain.add([mine(headerHash(next), { time: T0 + 1200, bits: DOUBLE })]))).toBe('bad-bits@10076');
  });
});
