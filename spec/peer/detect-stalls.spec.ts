import type { Message } from '../../lib/index.js';
import { EXPECTED_REPLIES, InvType, PeerError, detectStalls } from '../../lib/index.js';
import { fakeHash, marbles } from '../helpers/marbles.js';

const zero = new Uint8Array(32);
const values: Record<string, Message> = {
  g: { command: 'getheaders', version: 70016, locator: [fakeHash(1)], stopHash: zero },
  h: { command: 'headers', headers: [] },
  d: { command: 'getdata', items: [{ type: InvType.Block, hash: fakeHash(2) }] },
  n: { command: 'notfound', items: [{ type: InvType.Block, hash: fakeHash(2) }] },
  p: { command: 'ping', nonce: 1n },
  i: { command: 'inv', items: [] },
};

describe('detectStalls (marbles)', () => {
  it('fails at the first 15 s tick after a request’s 30 s deadline', () => {
    marbles().run(({ cold, expectObservable }) => {
      const sent$ = cold<Message>('1s g', values);
      // deadline 31 s; ticks at 15, 30, 45 s
      expectObservable(cold<Message>('-').pipe(detectStalls({ sent$ }))).toBe(
        '45s #',
        undefined,
        new PeerError('stalled', 'no headers received within 30000 ms of the request', 'headers'),
      );
    });
  });

  it('clears the deadline when the reply arrives', () => {
    marbles().run(({ cold, expectObservable }) => {
      const sent$ = cold<Message>('1s g', values);
      expectObservable(cold<Message>('20s h', values).pipe(detectStalls({ sent$ })), '^ 5m !').toBe('20s h', values);
    });
  });

  it('treats notfound as an answer to getdata, and other messages as no answer', () => {
    marbles().run(({ cold, expectObservable }) => {
      const answered = cold<Message>('10s n', values).pipe(detectStalls({ sent$: cold<Message>('d', values) }));
      expectObservable(answered, '^ 2m !').toBe('10s n', values);
      const unanswered = cold<Message>('10s i', values).pipe(detectStalls({ sent$: cold<Message>('p', values) }));
      expectObservable(unanswered).toBe(
        '10s i 34999ms #',
        values,
        new PeerError('stalled', 'no pong received within 30000 ms of the request', 'pong'),
      );
    });
  });

  it('honours custom tick and timeout', () => {
    marbles().run(({ cold, expectObservable }) => {
      const out = cold<Message>('-').pipe(detectStalls({ sent$: cold<Message>('g', values), tickInterval: 1000, responseTimeout: 2500 }));
      expectObservable(out).toBe(
        '3s #',
        undefined,
        new PeerError('stalled', 'no headers received within 2500 ms of the request', 'headers'),
      );
    });
  });

  it('lists the replies btcd expects', () => {
    expect(EXPECTED_REPLIES.getheaders).toEqual(['headers']);
    expect(EXPECTED_REPLIES.getdata).toEqual(expect.arrayContaining(['block', 'tx', 'notfound']));
    expect(() => detectStalls({ sent$: values as never, tickInterval: 0 })).toThrow(RangeError);
  });
});
