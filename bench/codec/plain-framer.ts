import { createHash } from 'node:crypto';

const MAGIC = 0xd9b4bef9;
const hash256 = (b: Uint8Array): Buffer => createHash('sha256').update(createHash('sha256').update(b).digest()).digest();

/**
 * A minimal mainnet framer for libraries that ship no P2P framing
 * (bitcoinjs-lib): it finds frames in chunks, checks magic and checksum
 * with node:crypto (the fastest SHA-256 here, so the peer is not slowed by
 * the bench) and hands each command and payload on. Payload views are Buffer
 * views into the chunk when the frame lies inside it, else one copy.
 */
export class PlainFramer {
  private pending: Buffer = Buffer.alloc(0);
  private readonly onFrame: (command: string, payload: Buffer) => void;

  constructor(onFrame: (command: string, payload: Buffer) => void) {
    this.onFrame = onFrame;
  }

  /** Consume one chunk. */
  push(chunk: Buffer): void {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let off = 0;
    while (buf.length - off >= 24) {
      if (buf.readUInt32LE(off) !== MAGIC) throw new Error('bad magic');
      const length = buf.readUInt32LE(off + 16);
      if (buf.length - off < 24 + length) break;
      const payload = buf.subarray(off + 24, off + 24 + length);
      if (hash256(payload).readUInt32LE(0) !== buf.readUInt32LE(off + 20)) throw new Error('bad checksum');
      const end = buf.indexOf(0, off + 4);
      const command = buf.toString('latin1', off + 4, end > 0 && end < off + 16 ? end : off + 16);
      off += 24 + length;
      this.onFrame(command, payload);
    }
    buf = buf.subarray(off);
    this.pending = buf.length ? Buffer.from(buf) : Buffer.alloc(0);
  }
}

/** Frame a payload for mainnet with node:crypto's checksum. */
export function frameOf(command: string, payload: Uint8Array): Buffer {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(MAGIC, 0);
  head.write(command, 4, 'latin1');
  head.writeUInt32LE(payload.length, 16);
  hash256(payload).copy(head, 20, 0, 4);
  return Buffer.concat([head, payload]);
}
