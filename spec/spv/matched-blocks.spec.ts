import { MatchedBlocks, type MatchedBlock } from '../../lib/spv/matched-blocks.js';
import type { Transaction } from '../../lib/wire/transaction.js';

const tx = (name: string): Transaction => ({ name }) as unknown as Transaction;
const block = (height: number, ids: string[], endsRescan = false): MatchedBlock => ({
  height,
  blockHash: `b${height}`,
  total: 10,
  waiting: new Map(ids.map((id, i) => [id, i])),
  got: new Map(),
  endsRescan,
});

function world() {
  const finished: string[] = [];
  const blocks = new MatchedBlocks((b, find) =>
    finished.push(`${b.height}:${[...b.waiting.keys()].map((id) => (find(id) ? id : `!${id}`)).join(',')}`),
  );
  return { blocks, finished };
}

describe('MatchedBlocks', () => {
  it('finishes blocks in order once each has all its transactions', () => {
    const { blocks, finished } = world();
    blocks.add(block(1, ['a']));
    blocks.add(block(2, ['b', 'c']));
    expect(blocks.tx(tx('b'), 'b')?.map((b) => b.height)).toEqual([]); // block 1 still waits for a
    expect(blocks.tx(tx('a'), 'a')?.map((b) => b.height)).toEqual([1]);
    expect(blocks.tx(tx('c'), 'c')?.map((b) => b.height)).toEqual([2]);
    expect(finished).toEqual(['1:a', '2:b,c']);
  });

  it('completes a block from a transaction that came before it, when flushed', () => {
    const { blocks, finished } = world();
    expect(blocks.tx(tx('early'), 'early')).toBeUndefined(); // no block waits for it: not a match
    blocks.add(block(5, ['early', 'never']));
    blocks.flush();
    expect(finished).toEqual(['5:early,!never']);
  });

  it('finishes at once a block without matches only when it ends a rescan', () => {
    const { blocks, finished } = world();
    blocks.add(block(7, []));
    blocks.add(block(8, [], true));
    expect(finished).toEqual(['8:']);
  });
});
