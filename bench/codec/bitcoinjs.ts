import { anchor } from '../anchor-require.js';
import { codecOf, type Codec } from './codec.js';
import { PlainFramer, frameOf } from './plain-framer.js';
import type { Stream } from './workloads.js';

/** bitcoinjs-lib's Block and Transaction, as far as the bench uses them (the package is in bench/anchors). */
interface Block {
  toBuffer(headersOnly?: boolean): Buffer;
}
interface Transaction {
  toBuffer(): Buffer;
}
const { Block, Transaction } = anchor('bitcoinjs-lib') as {
  Block: { fromBuffer(b: Buffer): Block };
  Transaction: { fromBuffer(b: Buffer): Transaction };
};

type Decoded = { command: 'block'; block: Block } | { command: 'tx'; tx: Transaction } | { command: 'headers'; headers: Block[] };

function decodeFrame(command: string, payload: Buffer): Decoded {
  if (command === 'block') return { command, block: Block.fromBuffer(payload) };
  if (command === 'tx') return { command, tx: Transaction.fromBuffer(payload) };
  if (command === 'headers') {
    // bitcoinjs reads 80-byte headers; the count and the per-header zero are skipped by hand (counts < 253 fit one byte).
    const n = payload[0]! < 0xfd ? payload[0]! : payload.readUInt16LE(1);
    let off = payload[0]! < 0xfd ? 1 : 3;
    const headers: Block[] = [];
    for (let i = 0; i < n; i++, off += 81) headers.push(Block.fromBuffer(payload.subarray(off, off + 80)));
    return { command, headers };
  }
  throw new Error(`bitcoinjs-lib has no ${command} message`);
}

function decodeAll(stream: Stream, each: (d: Decoded) => void): void {
  const framer = new PlainFramer((command, payload) => each(decodeFrame(command, payload)));
  for (const c of stream.chunks) framer.push(c);
}

function encodeOne(d: Decoded): Buffer {
  if (d.command === 'block') return frameOf('block', d.block.toBuffer());
  if (d.command === 'tx') return frameOf('tx', d.tx.toBuffer());
  const count =
    d.headers.length < 0xfd ? Buffer.from([d.headers.length]) : Buffer.from([0xfd, d.headers.length & 0xff, d.headers.length >> 8]);
  return frameOf('headers', Buffer.concat([count, ...d.headers.flatMap((h) => [h.toBuffer(true), Buffer.from([0])])]));
}

/** bitcoinjs-lib 7 (`Block.fromBuffer`, `Transaction.fromBuffer`) behind a plain framer; it has no `inv`. */
export const bitcoinjs: Codec = codecOf<Decoded>('bitcoinjs-lib 7', ['block', 'tx', 'headers'], decodeAll, encodeOne);
