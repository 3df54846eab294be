import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  BloomFilter,
  ByteReader,
  GcsFilter,
  basicFilterItems,
  blockHash,
  decodePayload,
  readBlock,
  verifyMerkleBlock,
  type Block,
  type MerkleBlockMessage,
} from '../lib/index.js';
import { spread, timeRounds, type Spread } from './codec/rounds.js';
import { readTestdata } from './testdata.js';
import { anchor } from './anchor-require.js';

const require = createRequire(import.meta.url);

/** bcoin's Golomb-coded set (the `golomb` package bcoin uses for BIP158), as far as the bench needs it. */
interface BcoinGolomb {
  matchAny(key: Buffer, items: Buffer[]): boolean;
}
interface BcoinGolombModule {
  fromRaw(data: Buffer): BcoinGolomb;
  fromItems(p: number, key: Buffer, items: Buffer[]): { toRaw(): Buffer };
}
/** bcoin's BIP37 bloom filter (`bfilter`). */
interface BcoinBloom {
  add(data: Buffer): void;
  test(data: Buffer): boolean;
}
interface BcoinBloomModule {
  fromRate(items: number, rate: number, update: string): BcoinBloom;
}

const BLOCKS = [
  'block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk',
  'block-00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab.blk',
  'block-0000000000000000821c4e0acc40f88bedbce3b73ba2358b5ade58a9022cc78c.blk',
];
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const show = (s: Spread): string => `${fmt(s.min)} / ${fmt(s.median)} / ${fmt(s.max)}`;
const p2wpkh = (): Buffer => Buffer.concat([Buffer.from([0x00, 0x14]), randomBytes(20)]);

/** A filter as both sides see it: the serialized bytes and the block-hash key. */
interface FilterCase {
  encoded: Buffer;
  key: Buffer;
  items: number;
}

/**
 * SPV bench, every figure against bcoin's own code on the same bytes in the
 * same process: (1) BIP158 matching — decode a real-sized basic filter and
 * `matchAny` 1, 100 and 10,000 watched scripts that are not in it (the whole
 * set is walked, the common case for a wallet), target ≥ 10,000 filters/s at
 * 100 scripts, against the `golomb` package; (2) BIP37 — bloom filter of 100
 * scripts tested against every output script of a real block, against
 * `bfilter`; (3) merkleblock proofs verified per second.
 */
export function runSpv(rounds: number): { met: boolean; line: string }[] {
  const Golomb = anchor('golomb') as BcoinGolombModule;
  const BcoinBloomFilter = (require('bfilter') as { BloomFilter: BcoinBloomModule }).BloomFilter;
  const blocks: Block[] = BLOCKS.map((f) => readBlock(new ByteReader(readTestdata(f))));

  // The real blocks' output scripts (their prevout scripts are not in testdata): 2,000–6,000 items, 5–15 KB per filter.
  const filters: FilterCase[] = blocks.map((b) => {
    const key = Buffer.from(blockHash(b.header));
    const items = basicFilterItems(b, []);
    const encoded = Buffer.from(GcsFilter.build(items, key).encoded);
    // Both implementations must build the same bytes from the same items, or the comparison means nothing.
    const theirs = Golomb.fromItems(19, key.subarray(0, 16), [
      ...new Map(items.map((i) => [Buffer.from(i).toString('hex'), Buffer.from(i)])).values(),
    ]).toRaw();
    if (!theirs.equals(encoded)) throw new Error('golomb and rxbtc built different filters from the same items');
    return { encoded, key, items: items.length };
  });
  const present = Buffer.from(blocks[0]!.transactions[1]!.outputs[0]!.script);
  if (!GcsFilter.decode(filters[0]!.encoded, filters[0]!.key).match(present)) throw new Error('rxbtc misses a present item');
  if (!Golomb.fromRaw(filters[0]!.encoded).matchAny(filters[0]!.key.subarray(0, 16), [present]))
    throw new Error('golomb misses a present item');

  const perRound = (n: number): number => Math.max(3, Math.round(300 / Math.max(1, Math.log10(n) * 3)));
  const rows: Record<string, Record<string, string>> = {};
  const results: { met: boolean; line: string }[] = [];
  for (const n of [1, 100, 10_000]) {
    const queries = Array.from({ length: n }, p2wpkh);
    const repeat = perRound(n);
    const total = filters.length * repeat;
    const mine = timeRounds(
      () => {
        let hits = 0;
        for (let k = 0; k < repeat; k++) for (const f of filters) if (GcsFilter.decode(f.encoded, f.key).matchAny(queries)) hits++;
        return hits;
      },
      rounds,
      0,
    );
    const theirs = timeRounds(
      () => {
        let hits = 0;
        for (let k = 0; k < repeat; k++)
          for (const f of filters) if (Golomb.fromRaw(f.encoded).matchAny(f.key.subarray(0, 16), queries)) hits++;
        return hits;
      },
      rounds,
      0,
    );
    const a = spread(mine, total);
    const b = spread(theirs, total);
    rows[`matchAny, ${fmt(n)} script${n > 1 ? 's' : ''}`] = {
      'rxbtc filters/s': show(a),
      'golomb (bcoin) filters/s': show(b),
      'ratio (slowest rounds)': `${(a.min / b.min).toFixed(1)}×`,
    };
    if (n === 100)
      results.push({
        met: a.min >= 10_000,
        line: `BIP158: ${fmt(a.min)} filters/s (slowest round) matched against 100 scripts, ${(a.min / b.min).toFixed(1)}× bcoin's golomb (target ≥ 10,000/s)`,
      });
  }
  console.log(
    `\nspv — ${rounds} rounds, min / median / max; filters of the 3 real blocks' output scripts (${filters
      .map((f) => `${fmt(f.items)} items, ${(f.encoded.length / 1024).toFixed(1)} KB`)
      .join('; ')})`,
  );

  // BIP37: a wallet's filter of 100 scripts, every output script of the 3 blocks tested against it.
  const watched = Array.from({ length: 100 }, p2wpkh);
  const mineBloom = new BloomFilter(100, 0.0001, 0x1234);
  const theirBloom = BcoinBloomFilter.fromRate(100, 0.0001, 'all');
  for (const s of watched) {
    mineBloom.insert(s);
    theirBloom.add(s);
  }
  const scripts = blocks.flatMap((b) => b.transactions.flatMap((t) => t.outputs.map((o) => o.script)));
  const scriptBuffers = scripts.map((s) => Buffer.from(s));
  const expectHits = scripts.filter((s) => mineBloom.contains(s)).length;
  const bloomMine = spread(
    timeRounds(() => scripts.reduce((n, s) => n + (mineBloom.contains(s) ? 1 : 0), 0), rounds, expectHits),
    scripts.length,
  );
  const theirHits = scriptBuffers.filter((s) => theirBloom.test(s)).length;
  const bloomTheirs = spread(
    timeRounds(() => scriptBuffers.reduce((n, s) => n + (theirBloom.test(s) ? 1 : 0), 0), rounds, theirHits),
    scripts.length,
  );
  rows['bloom contains (100 scripts, 0.01 % fp)'] = {
    'rxbtc filters/s': `${show(bloomMine)} scripts/s`,
    'golomb (bcoin) filters/s': `${show(bloomTheirs)} scripts/s (bfilter)`,
    'ratio (slowest rounds)': `${(bloomMine.min / bloomTheirs.min).toFixed(1)}×`,
  };

  // A real merkleblock (mainnet block 300,025), verified again and again.
  const proof = decodePayload('merkleblock', readTestdata('merkleblock-300025.bin')) as MerkleBlockMessage;
  const PROOFS = 2000;
  const verify = spread(
    timeRounds(
      () => {
        let matched = 0;
        for (let i = 0; i < PROOFS; i++) matched += verifyMerkleBlock(proof).matched.length;
        return matched;
      },
      rounds,
      PROOFS * verifyMerkleBlock(proof).matched.length,
    ),
    PROOFS,
  );
  rows['verifyMerkleBlock (block 300,025)'] = {
    'rxbtc filters/s': `${show(verify)} proofs/s`,
    'golomb (bcoin) filters/s': '',
    'ratio (slowest rounds)': '',
  };
  console.table(rows);
  return results;
}
