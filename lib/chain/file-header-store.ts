import { closeSync, fdatasyncSync, ftruncateSync, openSync, readFileSync, readSync, writeSync, type PathLike } from 'node:fs';
import { sha256dKey } from '../wire/hash.js';
import type { HeaderStore, StoredChain } from './header-store.js';

/** File signature. */
const MAGIC = 'RXBTCHDR';
/** Format version. */
const FORMAT = 2;
/** Preamble: magic (8), format (4), root height (4), record count (4), reserved (12), hash of the last record (32). */
const PREAMBLE = 64;
const RECORD = 80;

/**
 * A flat file of 80-byte header records, as neutrino's headerfs keeps them:
 * record `i` is the header at `root + i`, after a 64-byte preamble that
 * commits to the record count and the hash of the last record.
 *
 * A write puts the records at their offset and `fdatasync`s, then rewrites
 * the preamble and syncs again, and only then resolves: a chain acknowledges
 * nothing that is not on disk. On open, records past the committed count
 * (a write cut short, a torn last record) are ignored, and a last record
 * whose hash is not the committed one (corrupted on disk) is dropped; the
 * chain checks every other record's link to the one before as it loads.
 * Node only (node:fs); the file is created when missing. Writes are
 * synchronous: a batch of 2,000 headers is 160 KB and two syncs.
 * @param path - the file
 * @throws Error when the file exists but is not a header store
 */
export function fileHeaderStore(path: PathLike): HeaderStore {
  closeSync(openSync(path, 'a'));
  let fd: number | undefined = openSync(path, 'r+');
  const stored = readStored(path, fd);
  const live = (): number => {
    if (fd === undefined) throw new Error('header store is closed');
    return fd;
  };
  return {
    load: () => stored,
    write: (rootHeight, keep, headers) => {
      const f = live();
      const at = PREAMBLE + keep * RECORD;
      const data = Buffer.allocUnsafe(headers.length * RECORD);
      headers.forEach((h, i) => data.set(h, i * RECORD));
      if (data.length > 0) writeSync(f, data, 0, data.length, at);
      ftruncateSync(f, at + data.length);
      fdatasyncSync(f);
      const last = data.length > 0 ? data.subarray(data.length - RECORD) : lastRecord(f, keep);
      const preamble = Buffer.alloc(PREAMBLE);
      preamble.write(MAGIC, 0, 'latin1');
      preamble.writeUInt32LE(FORMAT, 8);
      preamble.writeUInt32LE(rootHeight, 12);
      preamble.writeUInt32LE(keep + headers.length, 16);
      if (last) preamble.write(sha256dKey(last), 32, 'latin1');
      writeSync(f, preamble, 0, PREAMBLE, 0);
      fdatasyncSync(f);
      return Promise.resolve();
    },
    close: () => {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      return Promise.resolve();
    },
  };
}

function lastRecord(fd: number, count: number): Buffer | undefined {
  if (count === 0) return undefined;
  const b = Buffer.alloc(RECORD);
  return readSync(fd, b, 0, RECORD, PREAMBLE + (count - 1) * RECORD) === RECORD ? b : undefined;
}

function readStored(path: PathLike, fd: number): StoredChain | undefined {
  const bytes = readFileSync(path);
  if (bytes.length === 0) return undefined;
  if (bytes.length < PREAMBLE || bytes.toString('latin1', 0, 8) !== MAGIC || bytes.readUInt32LE(8) !== FORMAT) {
    closeSync(fd);
    throw new Error(`${String(path)} is not an rxbtc header store`);
  }
  const committed = bytes.readUInt32LE(16);
  let count = Math.min(committed, Math.floor((bytes.length - PREAMBLE) / RECORD));
  if (count === committed && count > 0) {
    const last = bytes.subarray(PREAMBLE + (count - 1) * RECORD, PREAMBLE + count * RECORD);
    if (sha256dKey(last) !== bytes.toString('latin1', 32, 64)) count--; // corrupted on disk: never load it
  }
  if (count === 0) return undefined;
  return { rootHeight: bytes.readUInt32LE(12), headers: new Uint8Array(bytes.buffer, bytes.byteOffset + PREAMBLE, count * RECORD) };
}
