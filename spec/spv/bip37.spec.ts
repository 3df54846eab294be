import {
  BloomFilter,
  BloomFlag,
  ByteReader,
  MerkleProofError,
  decodePayload,
  fromHex,
  hashToHex,
  murmur3,
  readBlock,
  sha256,
  toHex,
  txid,
  verifyMerkleBlock,
  type MerkleBlockMessage,
} from '../../lib/index.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { readData } from '../helpers/data.js';

describe('MurmurHash3 (Bitcoin Core hash_tests vectors)', () => {
  const vectors: [number, number, string][] = [
    [0x00000000, 0x00000000, ''],
    [0x6a396f08, 0xfba4c795, ''],
    [0x81f16f39, 0xffffffff, ''],
    [0x514e28b7, 0x00000000, '00'],
    [0xea3f0b17, 0xfba4c795, '00'],
    [0xfd6cf10d, 0x00000000, 'ff'],
    [0x16c6b7ab, 0x00000000, '0011'],
    [0x8eb51c3d, 0x00000000, '001122'],
    [0xb4471bf8, 0x00000000, '00112233'],
    [0xe2301fa8, 0x00000000, '0011223344'],
    [0xfc2e4a15, 0x00000000, '001122334455'],
    [0xb074502c, 0x00000000, '00112233445566'],
    [0x8034d2a0, 0x00000000, '0011223344556677'],
    [0xb4698def, 0x00000000, '001122334455667788'],
  ];
  it.each(vectors)('0x%s with seed %s', (want, seed, hex) => {
    expect(murmur3(seed, fromHex(hex))).toBe(want);
  });
});

describe('BloomFilter (Bitcoin Core bloom_tests vectors)', () => {
  const elements = [
    '99108ad8ed9bb6274d3980bab5a85c048f0950c8',
    'b5a2c786d9ef4658287ced5914b37a1b4aa32eee',
    'b9300670b4c5366e95b2699e8b18bc75e5f729c5',
  ];
  it.each([
    [0, '03614e9b050000000000000001'],
    [2147483649, '03ce4299050000000100008001'],
  ])('3 elements at 1%%, tweak %i → %s', (tweak, serialized) => {
    const f = new BloomFilter(3, 0.01, tweak, BloomFlag.All);
    for (const e of elements) {
      f.insert(fromHex(e));
      expect(f.contains(fromHex(e))).toBe(true);
    }
    expect(f.contains(fromHex('19108ad8ed9bb6274d3980bab5a85c048f0950c8'))).toBe(false);
    const m = f.toMessage();
    // filterload payload: varbytes filter, u32 hash functions, u32 tweak, u8 flags
    const payload = Uint8Array.from([m.filter.length, ...m.filter, m.hashFuncs, 0, 0, 0, ...u32(m.tweak), m.flags]);
    expect(toHex(payload)).toBe(serialized);
    const back = BloomFilter.fromMessage(m);
    for (const e of elements) expect(back.contains(fromHex(e))).toBe(true);
  });

  it('a key and its hash160 at 0.1% → 038fc16b080000000000000001', () => {
    const f = new BloomFilter(2, 0.001, 0, BloomFlag.All);
    const pubkey = fromHex(
      '045B81F0017E2091E2EDCD5EECF10D5BDD120A5514CB3EE65B8447EC18BFC4575C6D5BF415E54E03B1067934A0F0BA76B01C6B9AB227142EE1D543764B69D901E0',
    );
    f.insert(pubkey);
    f.insert(ripemd160(sha256(pubkey))); // its hash160, as in Core's test
    const m = f.toMessage();
    expect(toHex(Uint8Array.from([m.filter.length, ...m.filter, m.hashFuncs, 0, 0, 0, ...u32(m.tweak), m.flags]))).toBe(
      '038fc16b080000000000000001',
    );
  });

  it('caps size at 36,000 bytes and 50 hash functions', () => {
    expect(new BloomFilter(1_000_000, 0.0001).bits.length).toBe(36_000);
    expect(new BloomFilter(1, 1e-30).hashFuncs).toBe(50);
    expect(() => new BloomFilter(0, 0.1)).toThrow(RangeError);
  });
});

function u32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
}

describe('verifyMerkleBlock on the real merkleblock of block 300,025', () => {
  const m = decodePayload('merkleblock', readData('merkleblock-300025.bin')) as MerkleBlockMessage;
  const block = readBlock(new ByteReader(readData('block-0000000000000000821c4e0acc40f88bedbce3b73ba2358b5ade58a9022cc78c.blk')));

  it('proves its two transactions, which are in the real block at the positions it says', () => {
    const v = verifyMerkleBlock(m);
    expect(hashToHex(v.blockHash)).toBe('0000000000000000821c4e0acc40f88bedbce3b73ba2358b5ade58a9022cc78c');
    expect(v.matched).toHaveLength(2);
    v.indexes.forEach((i, k) => expect(hashToHex(txid(block.transactions[i]!))).toBe(hashToHex(v.matched[k]!)));
    expect(verifyMerkleBlock(m, () => true).matched).toHaveLength(2);
  });

  const broken: [string, (m: MerkleBlockMessage) => MerkleBlockMessage, string][] = [
    ['a hash changed', (x) => ({ ...x, hashes: x.hashes.map((h, i) => (i === 3 ? h.map((b) => b ^ 1) : h)) }), 'bad-root'],
    ['a hash missing', (x) => ({ ...x, hashes: x.hashes.slice(0, -1) }), 'truncated'],
    ['a hash too many', (x) => ({ ...x, hashes: [...x.hashes, x.hashes[0]!] }), 'unused'],
    ['a flag byte too many', (x) => ({ ...x, flags: Uint8Array.from([...x.flags, 0]) }), 'unused'],
    ['no flags', (x) => ({ ...x, flags: new Uint8Array(0) }), 'too-many-hashes'],
    ['zero transactions', (x) => ({ ...x, totalTransactions: 0 }), 'bad-count'],
    ['more hashes than transactions', (x) => ({ ...x, totalTransactions: 5 }), 'too-many-hashes'],
    ['a transaction count that makes the tree deeper', (x) => ({ ...x, totalTransactions: 2000 }), 'truncated'],
  ];
  it.each(broken)('%s', (_what, mutate, code) => {
    expect(() => verifyMerkleBlock(mutate(m))).toThrow(expect.objectContaining({ code }));
  });

  it('refuses a header that is not on the given chain', () => {
    expect(() => verifyMerkleBlock(m, () => false)).toThrow(expect.objectContaining({ code: 'unknown-block' }));
  });

  it('refuses the CVE-2012-2459 duplicate: three transactions proved as four', () => {
    // Block of 3 txs a, b, c: its root is H(H(a,b), H(c,c)). A tree claiming 4 txs (a, b, c, c) has the same root.
    const [a, b, c] = [1, 2, 3].map((i) => new Uint8Array(32).fill(i));
    const h = (x: Uint8Array, y: Uint8Array): Uint8Array => {
      const p = new Uint8Array(64);
      p.set(x);
      p.set(y, 32);
      return sha256(sha256(p));
    };
    const root = h(h(a!, b!), h(c!, c!));
    const header = { ...m.header, merkleRoot: root };
    // All four leaves "matched": flags for root, left node, a, b, right node, c, c → 7 bits set.
    const forged: MerkleBlockMessage = {
      command: 'merkleblock',
      header,
      totalTransactions: 4,
      hashes: [a!, b!, c!, c!],
      flags: Uint8Array.from([0x7f]),
    };
    expect(() => verifyMerkleBlock(forged)).toThrow(MerkleProofError);
    expect(() => verifyMerkleBlock(forged)).toThrow(expect.objectContaining({ code: 'duplicate' }));
    // The honest three-transaction proof of the same root is fine.
    const honest: MerkleBlockMessage = { ...forged, totalTransactions: 3, hashes: [a!, b!, c!], flags: Uint8Array.from([0x3f]) };
    expect(verifyMerkleBlock(honest).matched).toHaveLength(3);
  });
});
