import type { InvMessage, InvVector } from '../../lib/index.js';
import { InvType, KnownInventory, filterKnownInventory, trickleInventory } from '../../lib/index.js';
import { fakeHash, marbles } from '../helpers/marbles.js';

const item = (n: number): InvVector => ({ type: InvType.Tx, hash: fakeHash(n) });
const items: Record<string, InvVector> = { a: item(1), b: item(2), c: item(3), d: item(4) };
const inv = (...xs: InvVector[]): InvMessage => ({ command: 'inv', items: xs });

describe('trickleInventory (marbles)', () => {
  it('sends what was queued every 10 s, nothing when the queue is empty', () => {
    const ts = marbles();
    ts.run(({ cold, expectObservable }) => {
      const out = cold<InvVector>('a b 3s c 7s d', items).pipe(trickleInventory({ scheduler: ts }));
      expectObservable(out, '^ 45s !').toBe('10s x 9999ms y', { x: inv(item(1), item(2), item(3)), y: inv(item(4)) });
    });
  });

  it('splits a tick into batches of maxBatch', () => {
    const ts = marbles();
    ts.run(({ cold, expectObservable }) => {
      const out = cold<InvVector>('abc', items).pipe(trickleInventory({ maxBatch: 2, scheduler: ts }));
      expectObservable(out, '^ 15s !').toBe('10s (xy)', { x: inv(item(1), item(2)), y: inv(item(3)) });
    });
  });

  it('does not queue an item twice, skips items that became known, remembers what it sent', () => {
    const ts = marbles();
    ts.run(({ cold, expectObservable, flush }) => {
      const known = new KnownInventory();
      ts.schedule(() => known.add(item(2)), 5_000); // the remote announced b while it waited
      const out = cold<InvVector>('a b a c 12s c', items).pipe(trickleInventory({ known, scheduler: ts }));
      expectObservable(out, '^ 25s !').toBe('10s x', { x: inv(item(1), item(3)) });
      flush();
      expect(known.has(item(1)) && known.has(item(3))).toBe(true);
    });
  });

  it('drops items beyond maxQueued and reports them', () => {
    const ts = marbles();
    ts.run(({ cold, expectObservable, flush }) => {
      const dropped: InvVector[] = [];
      const out = cold<InvVector>('abcd', items).pipe(trickleInventory({ maxQueued: 2, onDropped: (i) => dropped.push(i), scheduler: ts }));
      expectObservable(out, '^ 11s !').toBe('10s x', { x: inv(item(1), item(2)) });
      flush();
      expect(dropped).toEqual([item(3), item(4)]);
    });
  });

  it('rejects nonsensical options', () => {
    expect(() => trickleInventory({ maxBatch: 0 })).toThrow(RangeError);
  });
});

describe('filterKnownInventory (marbles)', () => {
  it('passes each item once and never one the peer already has', () => {
    marbles().run(({ cold, expectObservable }) => {
      const known = new KnownInventory();
      known.add(item(3));
      expectObservable(cold<InvVector>('a b a c d b |', items).pipe(filterKnownInventory(known))).toBe('a b - - d - |', items);
    });
  });
});

describe('KnownInventory', () => {
  it('forgets the least recently added item past its capacity (MRU of 1000 by default)', () => {
    const known = new KnownInventory();
    for (let i = 0; i < 1001; i++) known.add(item(i));
    expect(known.size).toBe(1000);
    expect(known.has(item(0))).toBe(false);
    expect(known.has(item(1))).toBe(true);
    expect(known.has({ type: InvType.Block, hash: fakeHash(1) })).toBe(false);
  });
});
