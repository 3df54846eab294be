import { config as rxConfig } from 'rxjs';
import { KNOWN_COMMANDS, MESSAGE_HEADER_SIZE, MessageFramer, encodeMessage, networks } from '../../lib/index.js';
import { trackAllocations } from '../../fuzz/allocations.js';
import { buildCorpus } from '../../fuzz/corpus.js';
import { HUGE_VARINTS, MUTATIONS, commandOf, frameOf, mutate } from '../../fuzz/mutations.js';
import { checkPeer } from '../../fuzz/peer-target.js';
import { Random } from '../../fuzz/random.js';
import { checkPayload, checkStream } from '../../fuzz/targets.js';
import { checkV2Stream } from '../../fuzz/v2-target.js';
import { readData } from '../helpers/data.js';

/**
 * Bounded fuzzing, deterministic from fixed seeds (`npm run fuzz` runs the
 * same targets for as long as asked, from a fresh seed). Every case must
 * end in a decoded message or a ProtocolError, with no array or buffer
 * larger than the bytes that back it; see fuzz/targets.ts.
 */
const network = networks.mainnet;
const seeds = buildCorpus(readData);
const frames = seeds.map((s) => encodeMessage(network, s.message));
const small = frames.filter((f) => f.length <= 4096);

const tally = (counts: Map<string, number>, key: string): void => void counts.set(key, (counts.get(key) ?? 0) + 1);
/** Cases run per target, printed once at the end. */
const ran = { payload: 0, stream: 0, peer: 0, v2: 0 };
const payload = (command: string, bytes: Uint8Array): string => (ran.payload++, checkPayload(command, bytes));
const stream = (bytes: Uint8Array, rnd: Random): string => (ran.stream++, checkStream(network, bytes, rnd).end);
const live = (bytes: Uint8Array): Promise<string> => (ran.peer++, checkPeer(network, bytes));

const escaped: unknown[] = [];
const onEscape = (e: unknown): void => void escaped.push(e);
const previousRxHandler = rxConfig.onUnhandledError;
beforeAll(() => {
  process.on('unhandledRejection', onEscape);
  process.on('uncaughtException', onEscape);
  rxConfig.onUnhandledError = onEscape;
});
afterAll(() => {
  process.off('unhandledRejection', onEscape);
  process.off('uncaughtException', onEscape);
  rxConfig.onUnhandledError = previousRxHandler;
  process.stdout.write(`fuzz: ${ran.payload} payload cases, ${ran.stream} stream cases, ${ran.peer} live-peer cases, ${ran.v2} v2 cases\n`);
});
afterEach(() => expect(escaped).toEqual([]));

describe('the fuzz corpus', () => {
  it('holds a valid message of every known command, from real mainnet data', () => {
    const commands = new Set(seeds.map((s) => s.message.command));
    for (const c of KNOWN_COMMANDS) expect(commands).toContain(c);
    for (const [i, frame] of frames.entries()) {
      expect(checkPayload(commandOf(frame), frame.subarray(MESSAGE_HEADER_SIZE))).toBe('decoded');
      expect(checkStream(network, frame, new Random(i))).toEqual({ messages: 1, end: 'clean' });
    }
  });
});

describe('the decoders, fed broken input', () => {
  it('refuse a header announcing 4 GB from its 24 bytes, before any buffer is made', () => {
    const header = frameOf(network, 'block', new Uint8Array(0));
    new DataView(header.buffer).setUint32(16, 0xffff_ffff, true);
    const framer = new MessageFramer(network);
    const run = trackAllocations(() => framer.push(header, () => undefined));
    expect('error' in run && run.error).toMatchObject({ code: 'oversized-payload' });
    expect(run.allocations.bytes).toBe(0);
    expect(framer.buffered).toBe(0);
  });

  it('refuse counts of 2^32 and beyond before allocating for them', () => {
    const inv = frames.find((f) => commandOf(f) === 'inv')!;
    const honest = trackAllocations(() => checkPayload('inv', inv.subarray(MESSAGE_HEADER_SIZE)));
    expect(honest.allocations.array).toBe(35); // the instrument sees the decoder's own array
    const countAt: [string, number][] = [
      ['inv', 0],
      ['headers', 0],
      ['addr', 0],
      ['getheaders', 4],
      ['block', 80],
      ['tx', 4],
      ['cmpctblock', 88],
    ];
    for (const [command, at] of countAt) {
      const frame = frames.find((f) => commandOf(f) === command)!;
      const payload = frame.subarray(MESSAGE_HEADER_SIZE);
      for (const v of HUGE_VARINTS.slice(1, 7)) {
        const lying = new Uint8Array([...payload.subarray(0, at), ...v, ...payload.subarray(at + 1)]);
        const run = trackAllocations(() => checkPayload(command, lying));
        expect('value' in run && run.value).toMatch(/limit-exceeded|malformed/);
        expect(run.allocations.array).toBeLessThanOrEqual(lying.length);
      }
    }
  });

  it('survive a truncation at every offset of every seed of up to 4 KB, as a payload and as a stream', () => {
    let cases = 0;
    for (const [i, frame] of small.entries()) {
      const command = commandOf(frame);
      const body = frame.subarray(MESSAGE_HEADER_SIZE);
      for (let k = 0; k < body.length; k++, cases++) payload(command, body.subarray(0, k));
      for (let k = 1; k < frame.length; k++, cases++) expect(stream(frame.subarray(0, k), new Random(i * 7919 + k))).toBe('truncated');
    }
    expect(cases).toBeGreaterThan(20_000);
  });

  it('survive a lying CompactSize at every offset of every seed of up to 1 KB', () => {
    let cases = 0;
    const outcomes = new Map<string, number>();
    for (const frame of small.filter((f) => f.length <= 1024 + MESSAGE_HEADER_SIZE)) {
      const command = commandOf(frame);
      const body = frame.subarray(MESSAGE_HEADER_SIZE);
      for (let at = 0; at < body.length; at++) {
        for (const v of HUGE_VARINTS) {
          const replaced = new Uint8Array([...body.subarray(0, at), ...v, ...body.subarray(at + 1)]);
          tally(outcomes, payload(command, replaced));
          cases++;
        }
      }
    }
    expect(cases).toBeGreaterThan(50_000);
    expect(outcomes.get('limit-exceeded')).toBeGreaterThan(0);
    expect(outcomes.get('malformed')).toBeGreaterThan(0);
  });

  it('survive 10,000 seeded mutations of real messages, as payloads and as streams', () => {
    const rnd = new Random(0x5eed);
    const byMutation = new Map<string, number>();
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const { mutation, bytes } = mutate(network, rnd.pick(frames), rnd);
      tally(byMutation, mutation);
      if (bytes.length >= MESSAGE_HEADER_SIZE) tally(outcomes, `payload ${payload(commandOf(bytes), bytes.subarray(MESSAGE_HEADER_SIZE))}`);
      tally(outcomes, `stream ${stream(bytes, rnd)}`);
    }
    expect([...byMutation.keys()].sort()).toEqual([...MUTATIONS].sort());
    for (const o of [
      'payload decoded',
      'payload malformed',
      'payload limit-exceeded',
      'stream clean',
      'stream truncated',
      'stream bad-checksum',
      'stream oversized-payload',
      'stream bad-magic',
    ]) {
      expect(outcomes.get(o)).toBeGreaterThan(0);
    }
  });

  it('survive random payloads for every command and random byte streams', () => {
    const rnd = new Random(0xb17e5);
    let cases = 0;
    for (const command of KNOWN_COMMANDS) {
      for (let i = 0; i < 200; i++, cases++) payload(command, rnd.bytes(rnd.int(300)));
    }
    for (let i = 0; i < 3000; i++, cases++) {
      // Half start with the right magic so the header checks past it are reached.
      const bytes = rnd.bytes(rnd.int(400));
      if (rnd.chance(0.5) && bytes.length >= 4) new DataView(bytes.buffer).setUint32(0, network.magic, true);
      stream(bytes, rnd);
    }
    expect(cases).toBe(KNOWN_COMMANDS.length * 200 + 3000);
  });
});

describe('a live peer, fed broken input after its handshake', () => {
  it('answers or disconnects with a typed error, within the timeouts, leaving no timer behind (400 cases)', async () => {
    const rnd = new Random(0xfee1);
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const { bytes } = mutate(network, rnd.pick(small), rnd);
      tally(outcomes, await live(bytes));
    }
    expect(outcomes.get('answered')).toBeGreaterThan(0);
    const closedWith = [...outcomes.keys()].filter((k) => k.startsWith('closed: '));
    for (const code of ['malformed', 'bad-checksum', 'bad-magic']) expect(closedWith).toContain(`closed: ${code}`);
    expect(closedWith.some((k) => /stalled|idle-timeout/.test(k))).toBe(true); // frames left open end by timeout
  });

  it('is not thrown by garbage that decodes as valid messages of every command', async () => {
    const seen = new Map<string, number>();
    for (const frame of small) tally(seen, await live(frame));
    expect(seen.get('answered')).toBeGreaterThan(0);
    expect(
      [...seen.keys()].every((k) => k === 'answered' || /^closed: (protocol-violation|malformed|limit-exceeded|invalid-handshake)/.test(k)),
    ).toBe(true);
  });
});

describe('BIP324 packets', () => {
  it('damaged v2 streams of corpus messages end in typed errors or the very messages sent, within their bytes', () => {
    const rnd = new Random(324);
    const messages = seeds.map((s) => s.message).filter((_, i) => frames[i]!.length <= 4096);
    const counts = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const batch = Array.from({ length: 1 + rnd.int(6) }, () => rnd.pick(messages));
      tally(counts, checkV2Stream(network, batch, rnd));
      ran.v2++;
    }
    // Damage is found: most cases end in an authentication failure, none in a false message (checked per case).
    expect(counts.get('bad-packet') ?? 0).toBeGreaterThan(100);
  });
});
