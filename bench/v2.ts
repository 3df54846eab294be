import { Subject } from 'rxjs';
import { v2SessionPair } from '../fuzz/v2-pair.js';
import { chachaBackend, decodeMessage, decodeMessages, ellswiftCreate, encodeMessage, v2Ecdh, type Message } from '../lib/index.js';
import { spread, type Rounds } from './codec/rounds.js';
import { CHUNK, NETWORK, buildStream, type Workload } from './codec/workloads.js';

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Cut bytes into socket-sized chunks. */
function chunked(parts: Uint8Array[]): Uint8Array[] {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const out: Uint8Array[] = [];
  for (let i = 0; i < all.length; i += CHUNK) out.push(all.subarray(i, i + CHUNK));
  return out;
}

/**
 * v2 against v1 in one process on the codec bench's block, tx, inv(35) and
 * headers streams: decoding (the receive path: length cipher, ChaCha20-Poly1305 and
 * the message decoder, against v1's checksum and decoder) and encoding,
 * min/median/max of `rounds`, target v2 ≥ 90 % of v1 for blocks and ≥ 60 % for the small messages; and the handshake's
 * key work per connection (ElligatorSwift encoding of a fresh key + ECDH).
 */
export async function runV2(rounds: number): Promise<{ met: boolean; line: string }[]> {
  const results: { met: boolean; line: string }[] = [];
  const rows: Record<string, Record<string, string>> = {};
  for (const workload of ['block', 'tx', 'inv', 'headers'] as Workload[]) {
    const stream = buildStream(workload);
    const messages: Message[] = stream.frames.map((f) => decodeMessage(NETWORK, f));
    const v1: Rounds = { ms: [] };
    const v2: Rounds = { ms: [] };
    const v1Encode: Rounds = { ms: [] };
    const v2Encode: Rounds = { ms: [] };
    for (let round = -3; round < rounds; round++) {
      // v1: the same frames, decoded from 64 KiB chunks.
      let t = performance.now();
      let n = 0;
      const input = new Subject<Uint8Array>();
      input.pipe(decodeMessages(NETWORK)).subscribe(() => n++);
      for (const c of stream.chunks) input.next(c);
      if (n !== messages.length) throw new Error(`v1 decoded ${n} of ${messages.length}`);
      if (round >= 0) v1.ms.push(performance.now() - t);

      // v2: a fresh session each round (its ciphers move on), packets made outside the timing.
      let received = 0;
      const pair = v2SessionPair(NETWORK, { next: () => received++ }, { garbageLength: 0 });
      await pair.initiator.ready;
      t = performance.now();
      const packets = messages.map((m) => pair.initiator.encode(m));
      if (round >= 0) v2Encode.ms.push(performance.now() - t);
      const chunks = chunked(packets);
      t = performance.now();
      for (const c of chunks) pair.toResponder.next(c);
      if (received !== messages.length) throw new Error(`v2 decoded ${received} of ${messages.length}`);
      if (round >= 0) v2.ms.push(performance.now() - t);

      t = performance.now();
      for (const m of messages) encodeMessage(NETWORK, m);
      if (round >= 0) v1Encode.ms.push(performance.now() - t);
    }
    const a = spread(v1, stream.bytes / 1e6);
    const b = spread(v2, stream.bytes / 1e6);
    const ea = spread(v1Encode, stream.bytes / 1e6);
    const eb = spread(v2Encode, stream.bytes / 1e6);
    rows[`decode ${stream.label}`] = {
      'v1 MB/s': `${fmt(a.min)} / ${fmt(a.median)} / ${fmt(a.max)}`,
      'v2 MB/s': `${fmt(b.min)} / ${fmt(b.median)} / ${fmt(b.max)}`,
      'v2 / v1 (slowest, median)': `${((100 * b.min) / a.min).toFixed(0)} %, ${((100 * b.median) / a.median).toFixed(0)} %`,
    };
    rows[`encode ${stream.label}`] = {
      'v1 MB/s': `${fmt(ea.min)} / ${fmt(ea.median)} / ${fmt(ea.max)}`,
      'v2 MB/s': `${fmt(eb.min)} / ${fmt(eb.median)} / ${fmt(eb.max)}`,
      'v2 / v1 (slowest, median)': `${((100 * eb.min) / ea.min).toFixed(0)} %, ${((100 * eb.median) / ea.median).toFixed(0)} %`,
    };
    // Blocks: v2 ≥ 90 % of v1; small messages (tx, inv, headers): ≥ 60 %.
    const want = workload === 'block' ? 0.9 : 0.6;
    results.push({
      met: b.min >= want * a.min,
      line: `v2 decodes the ${workload} stream at ${((100 * b.min) / a.min).toFixed(0)} % of v1's rate (slowest rounds; median ${((100 * b.median) / a.median).toFixed(0)} %; target ≥ ${100 * want} %)`,
    });
  }
  // Key work of one handshake: a fresh key with its ElligatorSwift encoding, and the ECDH with the remote's.
  const other = ellswiftCreate();
  const times: number[] = [];
  for (let i = -5; i < 40; i++) {
    const t = performance.now();
    const mine = ellswiftCreate();
    v2Ecdh(mine.privateKey, other.publicKey, mine.publicKey, true);
    if (i >= 0) times.push(performance.now() - t);
  }
  times.sort((x, y) => x - y);
  console.log(`\nv2 transport (BIP324) against v1 — ${rounds} rounds, min / median / max; ChaCha20 from ${chachaBackend}`);
  console.table(rows);
  console.log(
    `handshake key work per connection (ellswift_create + ECDH): ${times[0]!.toFixed(2)} / ${times[times.length >> 1]!.toFixed(2)} / ${times[times.length - 1]!.toFixed(2)} ms`,
  );
  return results;
}
