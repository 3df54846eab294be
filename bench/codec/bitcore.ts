import { anchor } from '../anchor-require.js';
import { codecOf, type Codec } from './codec.js';
import type { Stream } from './workloads.js';

interface BitcoreMessage {
  toBuffer(): Buffer;
}
interface BitcoreBuffers {
  push(b: Buffer): void;
  length: number;
}
interface BuffersClass {
  new (): BitcoreBuffers;
  prototype: { get(i: number): number; pos(i: number): { buf: number; offset: number }; buffers: Buffer[] };
}
interface BitcoreMessages {
  parseBuffer(b: BitcoreBuffers): BitcoreMessage | undefined;
}

const Buffers = anchor('buffers') as BuffersClass;
/*
 * bitcore-p2p needs bitpay's fork of `buffers`, a git dependency that cannot
 * be fetched here; the registry's buffers@0.1.1 (package.json overrides)
 * calls Buffer#get, which Node removed. This is the fork's one-line fix,
 * applied at run time in the bench only.
 */
Buffers.prototype.get = function get(this: { pos(i: number): { buf: number; offset: number }; buffers: Buffer[] }, i: number): number {
  const pos = this.pos(i);
  return this.buffers[pos.buf]![pos.offset]!;
};
const Messages = (anchor('bitcore-p2p') as { Messages: new (options?: object) => BitcoreMessages }).Messages;

function decodeAll(stream: Stream, each: (m: BitcoreMessage) => void): void {
  const messages = new Messages();
  const data = new Buffers();
  for (const c of stream.chunks) {
    data.push(c);
    for (let m = messages.parseBuffer(data); m; m = messages.parseBuffer(data)) each(m);
  }
}

/** bitcore-p2p 10 with bitcore-lib's Block and Transaction (full decode). */
export const bitcore: Codec = codecOf<BitcoreMessage>('bitcore-p2p 10', ['block', 'tx', 'inv', 'headers'], decodeAll, (m) => m.toBuffer());
