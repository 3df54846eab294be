import { TransportError } from '../../lib/index.js';
import { OutboundQueue } from '../../lib/peer/outbound-queue.js';
import { PeerError } from '../../lib/peer/errors.js';
import type { Message } from '../../lib/wire/message.js';

/** A writer whose writes finish only when the spec says so. */
function heldWriter(): { write: (b: Uint8Array) => Promise<void>; written: string[]; finish: () => void; fail: (e: Error) => void } {
  const written: string[] = [];
  const pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  return {
    written,
    write: (b) =>
      new Promise<void>((resolve, reject) => {
        written.push(new TextDecoder().decode(b));
        pending.push({ resolve, reject });
      }),
    finish: () => pending.shift()?.resolve(),
    fail: (e) => pending.shift()?.reject(e),
  };
}

const encode = (m: Message): Uint8Array => new TextEncoder().encode(m.command === 'unknown' ? m.rawCommand : m.command);
const blob = (name: string): Message => ({ command: 'unknown', rawCommand: name, payload: new Uint8Array(0) });
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('OutboundQueue', () => {
  it('writes one message at a time, in order, resolving each when written', async () => {
    const w = heldWriter();
    const q = new OutboundQueue(w.write, encode);
    const done: string[] = [];
    for (const n of ['a', 'b', 'c']) void q.send(blob(n)).then(() => done.push(n));
    await tick();
    expect(w.written).toEqual(['a']);
    expect(q.length).toBe(2);
    w.finish();
    await tick();
    expect(done).toEqual(['a']);
    expect(w.written).toEqual(['a', 'b']);
    w.finish();
    await tick();
    w.finish();
    await tick();
    expect(done).toEqual(['a', 'b', 'c']);
  });

  it('refuses ordinary messages beyond its capacity with queue-full; urgent ones still enter', async () => {
    const w = heldWriter();
    const q = new OutboundQueue(w.write, encode, { capacity: 2 });
    void q.send(blob('a'));
    await tick(); // 'a' is being written, so two more fit
    void q.send(blob('b'));
    void q.send(blob('c'));
    await expect(q.send(blob('d'))).rejects.toMatchObject({ code: 'queue-full', command: 'unknown' });
    const urgent = q.send(blob('u'), true);
    for (let i = 0; i < 4; i++) {
      w.finish();
      await tick();
    }
    await urgent;
    expect(w.written).toEqual(['a', 'b', 'c', 'u']);
  });

  it('holds ordinary messages while paused but lets urgent ones jump ahead', async () => {
    const w = heldWriter();
    const q = new OutboundQueue(w.write, encode, { paused: true });
    void q.send(blob('ordinary'));
    void q.send(blob('version'), true);
    await tick();
    expect(w.written).toEqual(['version']);
    w.finish();
    await tick();
    expect(w.written).toEqual(['version']);
    q.resume();
    await tick();
    expect(w.written).toEqual(['version', 'ordinary']);
  });

  it('on a failed write rejects that message and every waiting one with disconnected, the transport error as cause', async () => {
    const w = heldWriter();
    const q = new OutboundQueue(w.write, encode);
    const first = q.send(blob('a'));
    const second = q.send(blob('b'));
    await tick();
    const reset = new TransportError('closed', 'connection reset');
    w.fail(reset);
    const e = await first.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PeerError);
    expect(e).toMatchObject({ code: 'disconnected', command: 'unknown', cause: reset });
    await expect(second).rejects.toMatchObject({ code: 'disconnected' });
    await expect(q.send(blob('c'))).rejects.toMatchObject({ code: 'disconnected' });
  });

  it('close rejects what waits with the given error, completes sent$, and the write in flight reports the same reason', async () => {
    const w = heldWriter();
    const q = new OutboundQueue(w.write, encode);
    let completed = false;
    q.sent$.subscribe({ complete: () => (completed = true) });
    const inFlight = q.send(blob('a'));
    const waiting = q.send(blob('b'));
    await tick();
    q.close(new PeerError('disconnected', 'peer disconnected: bye'));
    await expect(waiting).rejects.toMatchObject({ message: 'peer disconnected: bye' });
    expect(completed).toBe(true);
    w.fail(new TransportError('closed', 'connection closed'));
    await expect(inFlight).rejects.toMatchObject({ code: 'disconnected', message: 'peer disconnected: bye' });
    expect(w.written).toEqual(['a']);
  });

  it('rejects a message that cannot be encoded and goes on with the next', async () => {
    const w = heldWriter();
    const q = new OutboundQueue(w.write, (m) => {
      if (m.command === 'unknown' && m.rawCommand === 'bad') throw new RangeError('too big');
      return encode(m);
    });
    await expect(q.send(blob('bad'))).rejects.toBeInstanceOf(RangeError);
    const ok = q.send(blob('ok'));
    await tick();
    w.finish();
    await ok;
    expect(w.written).toEqual(['ok']);
  });
});
