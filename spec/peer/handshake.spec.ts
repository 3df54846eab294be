import type { Message, Negotiated, VersionMessage } from '../../lib/index.js';
import { MruSet, PeerError, handshake } from '../../lib/index.js';
import { marbles } from '../helpers/marbles.js';
import { remoteVersion } from '../helpers/scripted-remote.js';

const ours = (): VersionMessage => remoteVersion({ nonce: 42n, userAgent: '/local:1/' });

describe('handshake (marbles)', () => {
  it('outbound: version at once; sendaddrv2 and verack after theirs; messages pass after their verack', () => {
    const ts = marbles();
    ts.run(({ cold, expectObservable, flush }) => {
      const sent: [number, string][] = [];
      let negotiated: Negotiated | undefined;
      const values: Record<string, Message> = {
        v: remoteVersion({ version: 70016 }),
        k: { command: 'verack' },
        u: { command: 'unknown', rawCommand: 'foo', payload: new Uint8Array() },
        x: { command: 'getaddr' },
      };
      const out = cold<Message>('1s v u 1s k x', values).pipe(
        handshake({
          inbound: false,
          localVersion: ours,
          send: async (m) => void sent.push([ts.now(), m.command]),
          onNegotiated: (r) => (negotiated = r),
          sentNonces: new MruSet(50),
          scheduler: ts,
        }),
      );
      expectObservable(out, '^ 40s !').toBe('1s - - 1s - x', values);
      flush();
      expect(sent).toEqual([
        [0, 'version'],
        [1000, 'sendaddrv2'],
        [1000, 'verack'],
      ]);
      expect(negotiated).toMatchObject({ protocolVersion: 70016, witness: true });
    });
  });

  it('inbound: answers only after the remote version, negotiating the lower version', () => {
    const ts = marbles();
    ts.run(({ cold, expectObservable, flush }) => {
      const sent: string[] = [];
      let negotiated: Negotiated | undefined;
      const values: Record<string, Message> = { v: remoteVersion({ version: 70012 }), k: { command: 'verack' } };
      const out = cold<Message>('5s v k', values).pipe(
        handshake({
          inbound: true,
          localVersion: ours,
          send: async (m) => void sent.push(m.command),
          onNegotiated: (r) => (negotiated = r),
          sentNonces: new MruSet(50),
          scheduler: ts,
        }),
      );
      expectObservable(out, '^ 1m !').toBe('');
      flush();
      expect(sent).toEqual(['version', 'verack']); // no sendaddrv2 below 70016
      expect(negotiated?.protocolVersion).toBe(70012);
    });
  });

  it('fails after the 30 s negotiate timeout when the remote never answers, or never sends verack', () => {
    const ts = marbles();
    ts.run(({ cold, expectObservable }) => {
      const error = new PeerError('negotiate-timeout', 'handshake did not finish within 30000 ms');
      const silent = cold<Message>('-').pipe(handshake({ inbound: true, localVersion: ours, send: async () => undefined, scheduler: ts }));
      expectObservable(silent).toBe('30s #', undefined, error);
      const halfway = cold<Message>('10s v', { v: remoteVersion() }).pipe(
        handshake({ inbound: false, localVersion: ours, send: async () => undefined, sentNonces: new MruSet(50), scheduler: ts }),
      );
      expectObservable(halfway).toBe('30s #', undefined, error);
    });
  });

  it('fails on a nonce this process sent (self-connection) and on a non-handshake message before verack', () => {
    const ts = marbles();
    ts.run(({ cold, expectObservable }) => {
      const nonces = new MruSet<bigint>(50);
      nonces.add(7n);
      const self = cold<Message>('v', { v: remoteVersion({ nonce: 7n }) }).pipe(
        handshake({ inbound: true, localVersion: ours, send: async () => undefined, sentNonces: nonces, scheduler: ts }),
      );
      expectObservable(self).toBe('#', undefined, new PeerError('self-connection', 'disconnecting peer connected to self', 'version'));
      const early = cold<Message>('v x', { v: remoteVersion(), x: { command: 'getaddr' } }).pipe(
        handshake({ inbound: true, localVersion: ours, send: async () => undefined, sentNonces: new MruSet(50), scheduler: ts }),
      );
      expectObservable(early).toBe('- #', undefined, new PeerError('invalid-handshake', 'getaddr received before verack', 'getaddr'));
    });
  });
});
