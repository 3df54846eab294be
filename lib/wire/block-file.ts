import { ProtocolError, ProtocolErrorCode } from './errors.js';
import { MAX_BLOCK_SERIALIZED_SIZE } from './transaction.js';

/** One record of a block file: the network magic it carries and the raw block, as a view. */
export interface BlockFileRecord {
  /** Network magic of the record. */
  magic: number;
  /** The serialized block (a view into the file). */
  block: Uint8Array;
}

/**
 * Split a block file, Bitcoin Core's `blk*.dat` layout (4-byte magic,
 * little-endian u32 length, raw block, repeated), into its records.
 * Zero padding after the last record ends the file, as in Core's
 * preallocated files.
 * @throws ProtocolError `truncated` when a record runs past the end,
 *   `limit-exceeded` when one claims more than 4,000,000 bytes
 */
export function readBlockFile(file: Uint8Array): BlockFileRecord[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const records: BlockFileRecord[] = [];
  for (let off = 0; off + 8 <= file.length;) {
    const magic = view.getUint32(off, true);
    if (magic === 0) break;
    const length = view.getUint32(off + 4, true);
    if (length > MAX_BLOCK_SERIALIZED_SIZE)
      throw new ProtocolError(ProtocolErrorCode.LimitExceeded, `block file record at ${off} claims ${length} bytes`);
    if (off + 8 + length > file.length)
      throw new ProtocolError(ProtocolErrorCode.Truncated, `block file record at ${off} runs past the end`);
    records.push({ magic, block: file.subarray(off + 8, off + 8 + length) });
    off += 8 + length;
  }
  return records;
}
