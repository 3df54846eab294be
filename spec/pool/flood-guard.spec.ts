import { TestScheduler } from 'rxjs/testing';
import { PoolError, floodGuard, sentUnasked, type Message } from '../../lib/index.js';

describe('floodGuard', () => {
  const scheduler = (): TestScheduler => new TestScheduler((a, b) => expect(a).toEqual(b));

  it('passes a burst up to its size, then errors with a typed flood error', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const error = new PoolError('flood', 'more than 3 messages at once, or over 1/s');
      expectObservable(cold('(abcd)').pipe(floodGuard({ burst: 3, perSecond: 1 }))).toBe('(abc#)', undefined, error);
    });
  });

  it('refills at the sustained rate in virtual time', () => {
    scheduler().run(({ cold, expectObservable }) => {
      // burst 2, 1 per second: two at once, then one per second is fine, two within one second is not
      const source = cold('(ab) 996ms c 999ms d 99ms e');
      expectObservable(source.pipe(floodGuard({ burst: 2, perSecond: 1 }))).toBe(
        '(ab) 996ms c 999ms d 99ms #',
        undefined,
        expect.any(PoolError),
      );
    });
  });

  it("the pool's guard counts what a peer sends unasked, not the answers it was asked for", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const inv: Message = { command: 'inv', items: [] };
      const pong: Message = { command: 'pong', nonce: 1n };
      const values = { i: inv, p: pong };
      // burst 2: five answers and two announcements pass; the third announcement is a flood
      const source = cold('(ppippipi)', values);
      expectObservable(source.pipe(floodGuard<Message>({ burst: 2, perSecond: 1 }, undefined, sentUnasked))).toBe(
        '(ppippip#)',
        values,
        expect.any(PoolError),
      );
    });
  });
});
