import { Subject, firstValueFrom, take, toArray, type Observable, type Subscription } from 'rxjs';
import {
  MAX_GARBAGE_SIZE,
  ProtocolError,
  V2Error,
  V2Session,
  encodeMessage,
  networks,
  type Message,
  type V2SessionOptions,
} from '../../lib/index.js';
import { remoteVersion } from '../helpers/scripted-remote.js';
import { advance, settle, virtualClock } from '../helpers/virtual-time.js';

/**
 * Two V2Session ends over a hand-made byte pipe (each side's writes are the
 * other's chunks, and a test may alter them on the way), in virtual time.
 */
const network = networks.regtest;
const ping = (n: bigint): Message => ({ command: 'ping', nonce: n });
const version: Message = remoteVersion();

interface End {
  session: V2Session;
  /** What the other end receives: a test may push its own bytes here too. */
  toRemote: Subject<Uint8Array>;
  messages: Message[];
  error: unknown;
  done: boolean;
}

/** Every session a test started, torn down after it (an unfinished handshake keeps its deadline timer). */
const live: Subscription[] = [];
afterEach(() => {
  for (const sub of live.splice(0)) sub.unsubscribe();
});

function end(
  incoming: Observable<Uint8Array>,
  options: Omit<V2SessionOptions, 'network'>,
  alter?: (b: Uint8Array) => Uint8Array,
  toRemote = new Subject<Uint8Array>(),
): End {
  const e: End = {
    session: new V2Session(
      (bytes) => {
        toRemote.next(alter ? alter(bytes) : bytes);
        return Promise.resolve();
      },
      { network, ...options },
    ),
    toRemote,
    messages: [],
    error: undefined,
    done: false,
  };
  const sub = incoming.pipe(e.session.decode()).subscribe({
    next: (m) => e.messages.push(m),
    error: (err: unknown) => (e.error = err),
    complete: () => (e.done = true),
  });
  live.push(sub);
  return e;
}

/** Initiator and responder wired together; `alter` changes what the initiator writes. */
function pair(
  initiator: Omit<V2SessionOptions, 'network' | 'initiating'> = {},
  responder: Omit<V2SessionOptions, 'network' | 'initiating'> = { detect: true },
  alter?: (b: Uint8Array) => Uint8Array,
): { a: End; b: End } {
  const aIn = new Subject<Uint8Array>();
  const bIn = new Subject<Uint8Array>();
  // Each end's writes are the other's input from the first byte on.
  const b = end(bIn, { initiating: false, ...responder }, undefined, aIn);
  const a = end(aIn, { initiating: true, ...initiator }, alter, bIn);
  return { a, b };
}

describe('V2Session', () => {
  it('both ends agree on the session id and exchange messages both ways, in order', async () => {
    const { a, b } = pair({ decoys: [0, 7] }, { detect: true, garbageLength: MAX_GARBAGE_SIZE });
    expect(await a.session.ready).toBe('v2');
    expect(await b.session.ready).toBe('v2');
    expect(a.session.sessionId).toMatch(/^[0-9a-f]{64}$/);
    expect(a.session.sessionId).toBe(b.session.sessionId);
    for (let i = 0n; i < 500n; i++) a.toRemote.next(a.session.encode(ping(i))); // past two rekeyings
    b.toRemote.next(b.session.encode({ command: 'verack' }));
    await settle();
    expect(b.messages).toEqual(Array.from({ length: 500 }, (_, i) => ping(BigInt(i))));
    expect(a.messages).toEqual([{ command: 'verack' }]);
    expect([a.error, b.error]).toEqual([undefined, undefined]);
  });

  it('a responder with detect serves a v1 client as v1', async () => {
    const bIn = new Subject<Uint8Array>();
    const b = end(bIn, { initiating: false, detect: true });
    const sent: Uint8Array[] = [];
    b.toRemote.subscribe((x) => sent.push(x));
    const second = encodeMessage(network, ping(1n));
    expect(b.session.transport).toBeUndefined();
    const v1 = encodeMessage(network, version);
    bIn.next(v1.subarray(0, 10)); // the prefix split across chunks
    bIn.next(v1.subarray(10));
    bIn.next(second);
    expect(await b.session.ready).toBe('v1');
    expect(b.messages.map((m) => m.command)).toEqual(['version', 'ping']);
    expect(sent).toEqual([]); // no key was sent to a v1 client
    expect(b.session.encode(ping(2n))).toEqual(encodeMessage(network, ping(2n)));
  });

  it('a flipped bit anywhere after the key exchange is a typed error, never a message', async () => {
    const flip = (bytes: Uint8Array, bit: number): Uint8Array => {
      const copy = bytes.slice();
      copy[bit >> 3]! ^= 1 << (bit & 7);
      return copy;
    };
    // In the initiator's terminator + version packet (its second write): every bit.
    const second = 16 + 3 + 1 + 16;
    for (let bit = 0; bit < second * 8; bit++) {
      let n = 0;
      const { a, b } = pair({ garbageLength: 3 }, { detect: true, maxPayloadSize: 1000 }, (bytes) =>
        ++n === 2 ? flip(bytes, bit) : bytes,
      );
      await settle();
      a.toRemote.next(new Uint8Array(1100)); // enough for any length a flipped length field may claim under the limit
      // A flipped terminator is garbage that never ends (more bytes would end in no-terminator); anything else fails now.
      if (bit < 16 * 8) expect(b.error === undefined || (b.error as V2Error).code === 'no-terminator').toBe(true);
      else expect(b.error).toMatchObject({ code: expect.stringMatching(/^(bad-packet|too-long)$/) as unknown });
      expect(b.messages).toEqual([]);
    }
    // In a message packet: every bit of a ping (3 + 1 + 9 + 16 bytes).
    for (let bit = 0; bit < 29 * 8; bit++) {
      const { a, b } = pair({ garbageLength: 0 }, { detect: true, maxPayloadSize: 1000 });
      await a.session.ready;
      a.toRemote.next(flip(a.session.encode(ping(7n)), bit));
      a.toRemote.next(new Uint8Array(1100)); // enough for any length the flip may claim under the limit
      expect(b.messages).toEqual([]);
      expect(b.error).toMatchObject({ code: expect.stringMatching(/^(bad-packet|too-long)$/) as unknown });
    }
  });

  it('no garbage terminator within 4095 bytes: no-terminator, after reading at most 4095 + 16 bytes of garbage', async () => {
    const bIn = new Subject<Uint8Array>();
    const b = end(bIn, { initiating: false, detect: true });
    bIn.next(crypto.getRandomValues(new Uint8Array(64)));
    bIn.next(new Uint8Array(MAX_GARBAGE_SIZE + 15));
    await settle();
    expect(b.error).toBeUndefined();
    bIn.next(new Uint8Array(1));
    expect(b.error).toBeInstanceOf(V2Error);
    expect(b.error).toMatchObject({ code: 'no-terminator' });
  });

  it('a length over the limit is refused before anything is allocated for it', async () => {
    const { a, b } = pair({}, { detect: true, maxPayloadSize: 1000 });
    await a.session.ready;
    a.toRemote.next(a.session.encode({ command: 'unknown', rawCommand: 'big', payload: new Uint8Array(2000) }));
    await settle();
    expect(b.error).toMatchObject({ code: 'too-long' });
  });

  it('a v2 initiator that turns to v1 halfway gets a typed error, never a message', async () => {
    const { a, b } = pair({}, { detect: true, maxPayloadSize: 100_000 });
    await a.session.ready;
    const frame = encodeMessage(network, ping(1n));
    // Its first 3 bytes decrypt to a random length: over the limit (too-long), or else read and refused (bad-packet).
    for (let sent = 0; sent < 110_000 && !b.error; sent += frame.length) a.toRemote.next(frame);
    expect(b.error).toMatchObject({ code: expect.stringMatching(/^(bad-packet|too-long)$/) as unknown });
    expect(b.messages).toEqual([]);
  });

  it('an initiator whose remote closes during the key exchange gets key-exchange-closed (the downgrade signal)', async () => {
    const aIn = new Subject<Uint8Array>();
    const a = end(aIn, { initiating: true });
    aIn.complete();
    expect(a.error).toMatchObject({ code: 'key-exchange-closed' });
    const reset = new Subject<Uint8Array>();
    const c = end(reset, { initiating: true });
    const cause = new Error('ECONNRESET');
    reset.error(cause);
    expect(c.error).toMatchObject({ code: 'key-exchange-closed', cause });
  });

  it('a version packet that never comes times out on the scheduler', async () => {
    const clock = virtualClock();
    const aIn = new Subject<Uint8Array>();
    const a = end(aIn, { initiating: true, timeout: 5000, scheduler: clock });
    aIn.next(crypto.getRandomValues(new Uint8Array(64))); // a key, then silence
    await advance(clock, 4999);
    expect(a.error).toBeUndefined();
    await advance(clock, 1);
    expect(a.error).toMatchObject({ code: 'timeout' });
  });

  it('a stream that ends inside a packet is truncated; unknown short ids arrive as unknown', async () => {
    const { a, b } = pair();
    await a.session.ready;
    await settle();
    const packet = a.session.encode({ command: 'unknown', rawCommand: '#200', payload: Uint8Array.of(1, 2) });
    a.toRemote.next(packet);
    await settle();
    expect(b.messages).toEqual([{ command: 'unknown', rawCommand: '#200', payload: Uint8Array.of(1, 2) }]);
    a.toRemote.next(a.session.encode(ping(1n)).subarray(0, 10));
    a.toRemote.complete();
    await settle();
    expect(b.error).toMatchObject({ code: 'truncated' });
  });

  it('a payload that breaks its command limit is a ProtocolError', async () => {
    const { a, b } = pair();
    await a.session.ready;
    a.toRemote.next(a.session.encode({ command: 'unknown', rawCommand: 'ping', payload: new Uint8Array(9) }));
    await settle();
    expect(b.error).toBeInstanceOf(ProtocolError);
  });

  it('delayGarbage: the initiator sends its 64-byte key alone, the garbage with the terminator; a v1 answer is v1-responder', async () => {
    const aIn = new Subject<Uint8Array>();
    const writes: Uint8Array[] = [];
    const toRemote = new Subject<Uint8Array>();
    toRemote.subscribe((w) => writes.push(w));
    end(aIn, { initiating: true, delayGarbage: true, garbageLength: 100 }, undefined, toRemote);
    expect(writes.map((w) => w.length)).toEqual([64]);
    aIn.next(encodeMessage(network, { command: 'verack' }).subarray(0, 16)); // 16 bytes that are not a version prefix: no verdict yet
    aIn.next(encodeMessage(network, version));
    // The first 64 bytes were taken as a key (the verack's 16 bytes are no v1 version prefix): a key exchange that fails later.
    expect(writes.length).toBe(2);
    expect(writes[1]!.length).toBe(100 + 16 + 3 + 1 + 16);
    const bIn = new Subject<Uint8Array>();
    const b = end(bIn, { initiating: true, delayGarbage: true });
    bIn.next(encodeMessage(network, version));
    expect(b.error).toMatchObject({ code: 'v1-responder' });
  });

  it('a session decodes one stream', async () => {
    const s = new V2Session(() => Promise.resolve(), { network, initiating: true });
    const src = new Subject<Uint8Array>();
    live.push(src.pipe(s.decode()).subscribe({ error: () => undefined }));
    await expect(firstValueFrom(src.pipe(s.decode(), take(1), toArray()))).rejects.toThrow('one stream');
  });
});
