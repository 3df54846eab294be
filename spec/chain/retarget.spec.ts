import {
  ChainError,
  chainParams,
  createHeaderChain,
  networks,
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
