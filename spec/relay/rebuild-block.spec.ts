import {
  BlockRebuild,
  ByteReader,
  checkBlockTransactions,
  encodePayload,
  readBlock,
  shortIdKey,
  shortTxId,
  toCompactBlock,
  wtxid,
  type Block,
  type RebuildCandidate,
  type Transaction,
} from '../../lib/index.js';
import { BLOCK_426884, block426884, cmpct426884, sameBytes } from '../helpers/block-426884.js';
import { readData } from '../helpers/data.js';

/** Mainnet block 426,884 and the real `cmpctblock` bcoin built for it. */
const block = block426884;
const cmpct = cmpct426884;
const candidates = (txs: readonly Transaction[]): RebuildCandidate[] => txs.map((tx) => ({ tx, wtxid: wtxid(tx) }));
const blockBytes = (b: Block): Uint8Array => encodePayload({ command: 'block', block: b });
/** Every transaction but the coinbase, less those at `missing`. */
const mempoolWithout = (missing: readonly number[]): RebuildCandidate[] =>
  candidates(block.transactions.filter((_, i) => i > 0 && !missing.includes(i)));

describe('BIP152 short ids', () => {
  it('the real cmpctblock of block 426,884 holds exactly the short ids of its transactions under its key', () => {
    const key = shortIdKey(cmpct.header, cmpct.nonce);
    expect(block.transactions.slice(1).map((tx) => shortTxId(key, wtxid(tx)))).toEqual(cmpct.shortIds);
  });

  it('toCompactBlock rebuilds the real cmpctblock byte for byte from the block and its nonce', () => {
    expect(sameBytes(encodePayload(toCompactBlock(block, cmpct.nonce)), readData('cmpctblock-426884.bin'))).toBe(true);
  });
});

describe('BlockRebuild (block 426,884 from its real cmpctblock)', () => {
  it('with every transaction in the mempool: nothing missing, the exact block', () => {
    const r = new BlockRebuild(cmpct, mempoolWithout([]));
    expect(r.missing).toEqual([]);
    expect(r.fromCandidates).toBe(408);
    expect(r.prefilled).toBe(1);
    expect(sameBytes(blockBytes(r.block()!), readData(BLOCK_426884))).toBe(true);
  });

  const cases: [string, number[]][] = [
    ['one missing', [200]],
    ['ten missing', [1, 2, 50, 51, 99, 100, 250, 300, 407, 408]],
    ['all but the coinbase missing', block.transactions.map((_, i) => i).slice(1)],
  ];
  it.each(cases)('%s: asks for exactly those indexes, and the blocktxn completes the exact block', (_, missing) => {
    const r = new BlockRebuild(cmpct, mempoolWithout(missing));
    expect(r.missing).toEqual(missing);
    expect(r.fromCandidates).toBe(408 - missing.length);
    expect(r.block()).toBeUndefined();
    expect(r.fill(missing.map((i) => block.transactions[i]!))).toBe(true);
    expect(sameBytes(blockBytes(r.block()!), readData(BLOCK_426884))).toBe(true);
  });

  it('transactions that are not in the block are ignored', () => {
    const other = readBlock(new ByteReader(readData('block-0000000000000000821c4e0acc40f88bedbce3b73ba2358b5ade58a9022cc78c.blk')));
    const r = new BlockRebuild(cmpct, [...candidates(other.transactions), ...mempoolWithout([7])]);
    expect(r.missing).toEqual([7]);
  });

  it('a blocktxn with the wrong count fails with blocktxn-count; with a wrong transaction, with merkle-root', () => {
    const short = new BlockRebuild(cmpct, mempoolWithout([3, 4]));
    expect(short.fill([block.transactions[3]!])).toBe(false);
    expect(short.failure).toBe('blocktxn-count');
    expect(short.block()).toBeUndefined();
    const wrong = new BlockRebuild(cmpct, mempoolWithout([3, 4]));
    expect(wrong.fill([block.transactions[3]!, { ...block.transactions[4]!, lockTime: 1 }])).toBe(true);
    expect(wrong.block()).toBeUndefined();
    expect(wrong.failure).toBe('merkle-root');
  });

  it('a short id the mempool matches with the wrong transaction (a collision) is caught by the merkle root', () => {
    // The sender's short id for slot 9 is that of an unrelated transaction the mempool holds: to the receiver this
    // is exactly a 48-bit collision.
    const stranger = { ...block.transactions[1]!, lockTime: 12345 };
    const key = shortIdKey(cmpct.header, cmpct.nonce);
    const shortIds = [...cmpct.shortIds];
    shortIds[8] = shortTxId(key, wtxid(stranger));
    const r = new BlockRebuild({ ...cmpct, shortIds }, [...mempoolWithout([9]), ...candidates([stranger])]);
    expect(r.missing).toEqual([]);
    expect(r.block()).toBeUndefined();
    expect(r.failure).toBe('merkle-root');
  });

  it('two mempool transactions with one short id: that slot is asked for, not guessed', () => {
    // A candidate's wtxid is what its short id is computed from: a stranger listed under transaction 9's wtxid
    // shares its short id, as a real 48-bit collision would.
    const stranger = { ...block.transactions[1]!, lockTime: 999 };
    const real = block.transactions[9]!;
    const r = new BlockRebuild(cmpct, [...mempoolWithout([9]), { tx: stranger, wtxid: wtxid(real) }, { tx: real, wtxid: wtxid(real) }]);
    expect(r.missing).toEqual([9]);
    expect(r.fromCandidates).toBe(407);
    expect(r.fill([real])).toBe(true);
    expect(sameBytes(blockBytes(r.block()!), readData(BLOCK_426884))).toBe(true);
  });

  it('duplicate short ids in the compact block, or a prefilled index past its end, need the full block', () => {
    const dup = new BlockRebuild({ ...cmpct, shortIds: [...cmpct.shortIds.slice(0, 407), cmpct.shortIds[0]!] }, mempoolWithout([]));
    expect(dup.failure).toBe('duplicate-short-ids');
    const past = new BlockRebuild({ ...cmpct, prefilled: [{ index: 409, tx: block.transactions[0]! }] }, []);
    expect(past.failure).toBe('bad-prefilled-index');
  });
});

describe('checkBlockTransactions', () => {
  it('accepts the real blocks, refuses a duplicated tail (CVE-2012-2459), a swapped pair and a witness without commitment', () => {
    expect(checkBlockTransactions(block)).toBeUndefined();
    const txs = block.transactions;
    expect(checkBlockTransactions({ ...block, transactions: [...txs, txs.at(-1)!] })).toBe('duplicate');
    expect(checkBlockTransactions({ ...block, transactions: [txs[0]!, txs[2]!, txs[1]!, ...txs.slice(3)] })).toBe('merkle-root');
    const segwit = readBlock(new ByteReader(readData('block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk')));
    expect(checkBlockTransactions(segwit)).toBeUndefined();
    // A witness changed: the txids (and merkle root) stay, the witness commitment no longer matches.
    const i = segwit.transactions.findIndex((tx, j) => j > 0 && tx.inputs.some((x) => x.witness.length > 0));
    const tampered = segwit.transactions.slice();
    const tx = tampered[i]!;
    tampered[i] = { ...tx, inputs: tx.inputs.map((x) => ({ ...x, witness: x.witness.length ? [Uint8Array.of(1)] : x.witness })) };
    expect(checkBlockTransactions({ ...segwit, transactions: tampered })).toBe('witness-commitment');
    expect(checkBlockTransactions({ ...block, transactions: [] })).toBe('empty');
  });
});
