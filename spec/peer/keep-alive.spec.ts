import { Subject } from 'rxjs';
import type { Message } from '../../lib/index.js';
import { PeerError, keepAlive } from '../../lib/index.js';
import { marbles } from '../helpers/marbles.js';

describe('keepAlive (marbles)', () => {
  it('pings every 2 min with a fresh nonce, answers pings, measures latency and fails after 5 min of silence', () => {
    const ts = marbles();
    ts.run(({ cold, expectObservable, flush }) => {
      const sent: [number, Message][] = [];
      const latencies: number[] = [];
      let nonce = 0n;
      const values: Record<string, Message> = { a: { command: 'pong', nonce: 1n }, b: { command: 'ping', nonce: 77n } };
      const source = cold<Message>('2m 250ms a 1m b', values);
      const out = source.pipe(
        keepAlive({
          send: async (m) => void sent.push([ts.now(), m]),
          nonce: () => ++nonce,
          onPong: (latency) => latencies.push(latency),
          scheduler: ts,
        }),
      );
      // The idle clock restarts at every message: the last one is at 180 251 ms.
      expectObservable(out).toBe('2m 250ms a 1m b 299999ms #', values, new PeerError('idle-timeout', 'no message received for 300000 ms'));
      flush();
      expect(sent).toEqual([
        [120_000, { command: 'ping', nonce: 1n }],
        [180_251, { command: 'pong', nonce: 77n }],
        [240_000, { command: 'ping', nonce: 2n }],
        [360_000, { command: 'ping', nonce: 3n }],
        [480_000, { command: 'ping', nonce: 4n }],
      ]);
      expect(latencies).toEqual([250]);
    });
  });

  it('ignores a pong whose nonce is not the last ping’s', () => {
    const ts = marbles();
    ts.run(({ cold, expectObservable, flush }) => {
      const latencies: number[] = [];
      const values: Record<string, Message> = { a: { command: 'pong', nonce: 5n } };
      const out = cold<Message>('2m 1s a', values).pipe(
        keepAlive({ send: async () => undefined, nonce: () => 1n, onPong: (l) => latencies.push(l), scheduler: ts }),
      );
      expectObservable(out, '^ 3m !').toBe('2m 1s a', values);
      flush();
      expect(latencies).toEqual([]);
    });
  });

  it('neither pings nor pongs before BIP31 (version ≤ 60000)', () => {
    const ts = marbles();
    ts.run(({ cold, expectObservable, flush }) => {
      const sent: Message[] = [];
      const values: Record<string, Message> = { b: { command: 'ping', nonce: 0n } };
      const out = cold<Message>('1m b', values).pipe(
        keepAlive({ send: async (m) => void sent.push(m), bip31: () => false, scheduler: ts }),
      );
      expectObservable(out, '^ 4m !').toBe('1m b', values);
      flush();
      expect(sent).toEqual([]);
    });
  });

  it('stops every timer when unsubscribed', () => {
    const ts = marbles();
    ts.run(({ cold, expectObservable, flush }) => {
      const sent: Message[] = [];
      const out = cold<Message>('-').pipe(keepAlive({ send: async (m) => void sent.push(m), scheduler: ts }));
      expectObservable(out, '^ 1m !').toBe('');
      flush();
      ts.flush();
      expect(sent).toEqual([]);
    });
  });

  it('measures the round trip on performance.now() under the real scheduler: a loopback pong takes under 1 ms', () => {
    // The scheduler's clock is Date.now(), whole milliseconds: a 0.25 ms round trip would read 0 (or 1).
    jest.useFakeTimers({ doNotFake: ['performance'] });
    const now = jest.spyOn(performance, 'now');
    try {
      const source = new Subject<Message>();
      const latencies: number[] = [];
      const subscription = source
        .pipe(keepAlive({ send: async () => undefined, nonce: () => 7n, onPong: (l) => latencies.push(l) }))
        .subscribe();
      now.mockReturnValue(5_000.125);
      jest.advanceTimersByTime(120_000);
      now.mockReturnValue(5_000.375);
      source.next({ command: 'pong', nonce: 7n });
      expect(latencies).toEqual([0.25]);
      subscription.unsubscribe();
    } finally {
      now.mockRestore();
      jest.useRealTimers();
    }
  });

  it('measures on an injected clock when given one', () => {
    const ts = marbles();
    ts.run(({ cold, expectObservable, flush }) => {
      const latencies: number[] = [];
      let t = 0;
      const clock = (): number => (t += 0.5);
      const values: Record<string, Message> = { a: { command: 'pong', nonce: 1n } };
      const out = cold<Message>('2m 250ms a', values).pipe(
        keepAlive({ send: async () => undefined, nonce: () => 1n, onPong: (l) => latencies.push(l), clock, scheduler: ts }),
      );
      expectObservable(out, '^ 3m !').toBe('2m 250ms a', values);
      flush();
      expect(latencies).toEqual([0.5]);
    });
  });
});
