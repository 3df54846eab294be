import {
  ByteReader,
  GcsFilter,
  ProtocolError,
  basicFilter,
  basicFilterItems,
  blockHash,
  filterHeader,
  fromHex,
  hashFromHex,
  hashToHex,
  readBlock,
  siphash24,
  sipKey,
  toHex,
} from '../../lib/index.js';
import { readData } from '../helpers/data.js';

/** BIP158's testnet-19.json rows: height, block hash, block, prevout scripts, previous header, filter, header, notes. */
type Row = [number, string, string, string[], string, string, string, string];
const rows = (JSON.parse(new TextDecoder().decode(readData('bips/testnet-19.json'))) as unknown[]).slice(1) as Row[];

describe('BIP158 test vectors (testnet-19.json, every row)', () => {
  it('has all of its rows', () => {
    expect(rows.length).toBe(10);
  });

  it.each(rows)(
    'block %i: filter, filter header, and matches of every item',
    (_height, hash, blockHex, prevScripts, prevHeader, filterHex, headerHex, notes) => {
      const block = readBlock(new ByteReader(fromHex(blockHex)));
      expect(hashToHex(blockHash(block.header))).toBe(hash);
      const scripts = prevScripts.map(fromHex);
      const built = basicFilter(block, scripts);
      expect(toHex(built.encoded)).toBe(filterHex);
      expect(hashToHex(filterHeader(built.encoded, hashFromHex(prevHeader)))).toBe(headerHex);
      // The same filter read back from its bytes matches every item it holds, and its decoded members equal the built ones.
      const read = GcsFilter.decode(fromHex(filterHex), hashFromHex(hash));
      expect(read.values()).toEqual(built.values());
      const items = basicFilterItems(block, scripts);
      for (const item of items) expect(read.match(item)).toBe(true);
      expect(read.matchAny(items)).toBe(items.length > 0);
      // One pass finds every member among strangers, at its own position, duplicates included.
      const stranger = (i: number): Uint8Array => Uint8Array.from([0x6a, 0x01, i]);
      const mixed = items.flatMap((item, i) => [stranger(i), item]);
      expect(read.matching([...mixed, ...items.slice(0, 1)])).toEqual([
        ...items.map((_, i) => 2 * i + 1),
        ...(items.length > 0 ? [mixed.length] : []),
      ]);
      expect(notes).toEqual(expect.any(String));
    },
  );

  it('does not match items that are not in a filter (false positives are 1 in 784,931)', () => {
    const [, hash, , , , filterHex] = rows.find((r) => r[5].length > 10)!;
    const filter = GcsFilter.decode(fromHex(filterHex), hashFromHex(hash));
    let hits = 0;
    for (let i = 0; i < 2000; i++) if (filter.match(Uint8Array.from([0x51, i & 0xff, i >> 8, 0x99]))) hits++;
    expect(hits).toBe(0);
    expect(filter.matchAny([])).toBe(false);
  });

  it('finds in one pass exactly the items matched one by one, in filters of every size (the last bytes read as zeros past the end)', () => {
    const key = hashFromHex(rows[1]![1]);
    const item = (i: number): Uint8Array => Uint8Array.from([0x00, 0x14, i & 0xff, i >> 8, 0x5a]);
    for (const size of [1, 2, 3, 10, 500]) {
      const members = Array.from({ length: size }, (_, i) => item(i));
      const filter = GcsFilter.decode(GcsFilter.build(members, key).encoded, key);
      const queries = [...Array.from({ length: 2 * size }, (_, i) => item(i)), item(0)];
      const oneByOne = queries.flatMap((q, i) => (filter.match(q) ? [i] : []));
      expect(oneByOne).toEqual([...members.keys(), 2 * size]);
      expect(filter.matching(queries)).toEqual(oneByOne);
    }
    expect(GcsFilter.build([], key).matching([item(0)])).toEqual([]);
  });

  it('refuses a filter that lies about its size or ends inside a value', () => {
    const [, hash, , , , filterHex] = rows.find((r) => r[5].length > 10)!;
    const bytes = fromHex(filterHex);
    const key = hashFromHex(hash);
    const liar = Uint8Array.from([0xfd, 0xff, 0xff, ...bytes.subarray(1)]); // 65,535 items in a few bytes
    expect(() => GcsFilter.decode(liar, key)).toThrow(ProtocolError);
    const cut = GcsFilter.decode(bytes.subarray(0, bytes.length - 2), key);
    expect(() => cut.values()).toThrow(/ends inside/);
  });
});

describe('SipHash-2-4 reference vectors', () => {
  // SipHash reference implementation (Aumasson & Bernstein): key 00..0f, message 00 01 … of length 0..63.
  const VECTORS = [
    0x726fdb47dd0e0e31n,
    0x74f839c593dc67fdn,
    0x0d6c8009d9a94f5an,
    0x85676696d7fb7e2dn,
    0xcf2794e0277187b7n,
    0x18765564cd99a68dn,
    0xcbc9466e58fee3cen,
    0xab0200f58b01d137n,
    0x93f5f5799a932462n,
    0x9e0082df0ba9e4b0n,
    0x7a5dbbc594ddb9f3n,
    0xf4b32f46226bada7n,
    0x751e8fbc860ee5fbn,
    0x14ea5627c0843d90n,
    0xf723ca908e7af2een,
    0xa129ca6149be45e5n,
    0x3f2acc7f57c29bdbn,
    0x699ae9f52cbe4794n,
    0x4bc1b3f0968dd39cn,
    0xbb6dc91da77961bdn,
    0xbed65cf21aa2ee98n,
    0xd0f2cbb02e3b67c7n,
    0x93536795e3a33e88n,
    0xa80c038ccd5ccec8n,
    0xb8ad50c6f649af94n,
    0xbce192de8a85b8ean,
    0x17d835b85bbb15f3n,
    0x2f2e6163076bcfadn,
    0xde4daaaca71dc9a5n,
    0xa6a2506687956571n,
    0xad87a3535c49ef28n,
    0x32d892fad841c342n,
    0x7127512f72f27ccen,
    0xa7f32346f95978e3n,
    0x12e0b01abb051238n,
    0x15e034d40fa197aen,
    0x314dffbe0815a3b4n,
    0x027990f029623981n,
    0xcadcd4e59ef40c4dn,
    0x9abfd8766a33735cn,
    0x0e3ea96b5304a7d0n,
    0xad0c42d6fc585992n,
    0x187306c89bc215a9n,
    0xd4a60abcf3792b95n,
    0xf935451de4f21df2n,
    0xa9538f0419755787n,
    0xdb9acddff56ca510n,
    0xd06c98cd5c0975ebn,
    0xe612a3cb9ecba951n,
    0xc766e62cfcadaf96n,
    0xee64435a9752fe72n,
    0xa192d576b245165an,
    0x0a8787bf8ecb74b2n,
    0x81b3e73d20b49b6fn,
    0x7fa8220ba3b2ecean,
    0x245731c13ca42499n,
    0xb78dbfaf3a8d83bdn,
    0xea1ad565322a1a0bn,
    0x60e61c23a3795013n,
    0x6606d7e446282b93n,
    0x6ca4ecb15c5f91e1n,
    0x9f626da15c9625f3n,
    0xe51b38608ef25f57n,
    0x958a324ceb064572n,
  ];
  it('all 64 messages', () => {
    const key = sipKey(Uint8Array.from({ length: 16 }, (_, i) => i));
    const message = Uint8Array.from({ length: 64 }, (_, i) => i);
    VECTORS.forEach((want, len) => {
      const [hi, lo] = siphash24(key, message.subarray(0, len));
      expect((BigInt(hi) << 32n) | BigInt(lo)).toBe(want);
    });
  });
});
