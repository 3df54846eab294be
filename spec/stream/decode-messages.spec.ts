import fc from 'fast-check';
import { Subject, from, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ProtocolError, decodeMessages, decodePayload, encodeMessage, encodeMessages, networks, type Message } from '../../lib/index.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { anyMessage } from '../helpers/arbitraries.js';
import { BLOCK_1_2MB, readData } from '../helpers/data.js';

const net = networks.regtest;

function decodeAll(chunks: Uint8Array[]): Promise<Message[]> {
  return lastValueFrom(from(chunks).pipe(decodeMessages(net), toArray()));
}

function errorOf(chunks: Uint8Array[]): Promise<ProtocolError> {
  return decodeAll(chunks).then(
    () => {
      throw new Error('expected an error');
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(ProtocolError);
      return e as ProtocolError;
    },
  );
}

const sample: Message[] = [
  { command: 'verack' },
  { command: 'ping', nonce: 0x0123456789abcdefn },
  { command: 'inv', items: [{ type: 1, hash: new Uint8Array(32).fill(7) }] },
  { command: 'unknown', rawCommand: 'sendtxrcncl', payload: Uint8Array.of(1, 2, 3) },
  { command: 'getaddr' },
];
const stream = concatBytes(...sample.map((m) => encodeMessage(net, m)));

describe('decodeMessages', () => {
  it('decodes the same messages at every split point of a multi-message stream', async () => {
    for (let i = 0; i <= stream.length; i++) {
      expect(await decodeAll([stream.subarray(0, i), stream.subarray(i)])).toEqual(sample);
    }
  });

  it('decodes a stream fed one byte at a time', async () => {
    expect(await decodeAll(Array.from(stream, (b) => Uint8Array.of(b)))).toEqual(sample);
  });

  it('decodes any messages under any random chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(anyMessage, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (messages, cuts) => {
          const bytes = concatBytes(...messages.map((m) => encodeMessage(net, m)));
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...points].map((p, i, all) => bytes.subarray(p, all[i + 1] ?? bytes.length));
          expect(await decodeAll(chunks)).toEqual(messages);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('decodes the real 1.2 MB block fed in 64 KiB chunks, three times in a row', async () => {
    const payload = readData(BLOCK_1_2MB);
    const frame = encodeMessage(networks.mainnet, decodePayload('block', payload));
    const bytes = concatBytes(frame, frame, frame);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += 65536) chunks.push(bytes.subarray(i, i + 65536));
    const out = await lastValueFrom(from(chunks).pipe(decodeMessages(networks.mainnet), toArray()));
    expect(out).toHaveLength(3);
    for (const m of out) expect(m.command === 'block' && m.block.transactions.length).toBe(3315);
  });

  it('decodes a frame inside one chunk from views of that chunk, without copying', async () => {
    const [inv] = await decodeAll([stream]);
    const m = (await decodeAll([stream]))[2]!;
    expect(inv).toEqual(sample[0]);
    if (m.command !== 'inv') throw new Error('expected inv');
    expect(m.items[0]!.hash.buffer).toBe(stream.buffer);
  });

  it('encodeMessages is its inverse', async () => {
    const out = await lastValueFrom(from(sample).pipe(encodeMessages(net), decodeMessages(net), toArray()));
    expect(out).toEqual(sample);
  });

  it('validates options when the operator is created', () => {
    expect(() => decodeMessages(net, { maxPayloadSize: -1 })).toThrow(RangeError);
  });
});

describe('decodeMessages on bad input', () => {
  const ping = encodeMessage(net, { command: 'ping', nonce: 1n });

  it('refuses the wrong network magic', async () => {
    const e = await errorOf([encodeMessage(networks.mainnet, { command: 'verack' })]);
    expect(e.code).toBe('bad-magic');
  });

  it('refuses a bad checksum, naming the command', async () => {
    const bad = ping.slice();
    bad[20] = bad[20]! ^ 1;
    const e = await errorOf([bad]);
    expect([e.code, e.command]).toEqual(['bad-checksum', 'ping']);
  });

  it('refuses a command with bytes after the NUL padding', async () => {
    const bad = ping.slice();
    bad[15] = 0x41;
    expect((await errorOf([bad])).code).toBe('bad-command');
  });

  it('refuses a 4 GB length from the header alone, before any payload arrives', async () => {
    const bad = encodeMessage(net, { command: 'unknown', rawCommand: 'huge', payload: new Uint8Array(0) });
    new DataView(bad.buffer, bad.byteOffset, bad.byteLength).setUint32(16, 0xffff_ffff, true);
    const e = await errorOf([bad]);
    expect([e.code, e.command]).toEqual(['oversized-payload', 'huge']);
  });

  it('refuses a ping declaring more than its 8 bytes, and honours maxPayloadSize', async () => {
    const bad = ping.slice();
    new DataView(bad.buffer).setUint32(16, 9, true);
    expect((await errorOf([bad.subarray(0, 24)])).code).toBe('oversized-payload');
    const small = await lastValueFrom(
      from([encodeMessage(net, { command: 'inv', items: [] })]).pipe(decodeMessages(net, { maxPayloadSize: 0 }), toArray()),
    ).catch((e: unknown) => e);
    expect(small).toBeInstanceOf(ProtocolError);
  });

  it('reports a stream that ends inside a frame as truncated', async () => {
    const e = await errorOf([ping.subarray(0, ping.length - 3)]);
    expect([e.code, e.command]).toEqual(['truncated', 'ping']);
    expect((await errorOf([stream.subarray(0, 10)])).code).toBe('truncated');
  });

  it('refuses a payload whose count field lies', async () => {
    const frame = encodeMessage(net, { command: 'unknown', rawCommand: 'inv', payload: Uint8Array.of(0xfd, 0x10, 0x27) });
    const e = await errorOf([frame]);
    expect([e.code, e.command]).toEqual(['malformed', 'inv']);
  });

  it('delivers messages before the bad frame, then the error, and unsubscribes from the source', () => {
    const scheduler = new TestScheduler((actual, expected) => {
      expect(actual).toEqual(expected);
    });
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const good = encodeMessage(net, { command: 'verack' });
      const bad = encodeMessage(networks.mainnet, { command: 'verack' });
      const source = cold('a-b-c|', { a: good, b: bad, c: good });
      const out = source.pipe(decodeMessages(net));
      expectObservable(out).toBe('a-#', { a: { command: 'verack' } }, expect.objectContaining({ code: 'bad-magic' }));
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it('unsubscribes from the source when the subscriber does', () => {
    const source = new Subject<Uint8Array>();
    const sub = source.pipe(decodeMessages(net)).subscribe({ next: () => undefined });
    expect(source.observed).toBe(true);
    sub.unsubscribe();
    expect(source.observed).toBe(false);
  });

  it('passes a source error through', async () => {
    const source = new Subject<Uint8Array>();
    const done = lastValueFrom(source.pipe(decodeMessages(net))).catch((e: unknown) => e);
    source.error(new Error('socket reset'));
    expect(await done).toEqual(new Error('socket reset'));
  });
});
