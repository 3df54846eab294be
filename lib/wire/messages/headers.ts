import { BLOCK_HEADER_SIZE, readBlockHeader, writeBlockHeader, type BlockHeader } from '../block-header.js';
import type { ByteReader } from '../reader.js';
import { checkLimit, type ByteWriter } from '../writer.js';

/** Most headers in one `headers` message. */
export const MAX_HEADERS_PER_MESSAGE = 2000;

/** `headers`: block headers, each followed on the wire by a zero transaction count. */
export interface HeadersMessage {
  /** Command name. */
  command: 'headers';
  /** At most {@link MAX_HEADERS_PER_MESSAGE} headers. */
  headers: BlockHeader[];
}

/** Built by a constructor, not a literal: V8 pretenures literal allocation sites once an app keeps decoded messages (see transaction.ts). */
class Headers implements HeadersMessage {
  readonly command = 'headers';
  headers: BlockHeader[];
  constructor(headers: BlockHeader[]) {
    this.headers = headers;
  }
}

/** Decode a `headers` payload (the per-header transaction count is read and ignored, as Bitcoin Core does). */
export function decodeHeaders(r: ByteReader): HeadersMessage {
  const n = r.count(MAX_HEADERS_PER_MESSAGE, BLOCK_HEADER_SIZE + 1, 'header');
  const headers = new Array<BlockHeader>(n);
  for (let i = 0; i < n; i++) {
    headers[i] = readBlockHeader(r);
    r.varint();
  }
  return new Headers(headers);
}

/** Encode a `headers` payload. */
export function encodeHeaders(w: ByteWriter, m: HeadersMessage): void {
  checkLimit(m.headers.length, MAX_HEADERS_PER_MESSAGE, 'headers');
  w.varint(m.headers.length);
  for (const h of m.headers) {
    writeBlockHeader(w, h);
    w.u8(0);
  }
}
