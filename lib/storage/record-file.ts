import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { sha256dKey } from '../wire/hash.js';
import { StoreError, StoreErrorCode } from './store-error.js';

/** Bytes before the first record. */
export const RECORD_FILE_PREAMBLE = 64;

/** What a {@link RecordFile} is: its signature, format and record size. */
export interface RecordFileKind {
  /** What it is, for errors ("header store"). */
  name: string;
  /** Eight ASCII characters at the start of the file. */
  magic: string;
  /** Format version: another value is a {@link StoreError} `version`. */
  format: number;
  /** Bytes per record. */
  recordSize: number;
  /** Keep a CRC-32 of every record in the preamble and check it on open (for files that are read whole). @default false */
  bodyCrc?: boolean;
}

/** What a {@link RecordFile} holds when opened. */
export interface RecordFileState {
  /** A number the owner gives every write (a chain's root height). */
  root: number;
  /** Records that can be trusted: the committed count, less a torn or corrupt last record. */
  count: number;
  /** hash256 of the last record as committed (latin1 key); '' when empty. */
  lastHash: string;
  /** Whether records past `count` were dropped on open (a torn or corrupt tail, not yet cut from the file). */
  dropped: boolean;
}

/**
 * A file of fixed-size records after a 64-byte preamble: magic (8), format
 * (4), root (4), committed record count (4), CRC-32 of the records (4, when
 * kept), reserved (8), hash256 of the last record (32).
 *
 * A write puts its records in place and `fdatasync`s them before it
 * rewrites the preamble (and syncs again), so a crash at any moment leaves
 * either the old or the new committed count, and records past the
 * committed count are never read. On open a last record that is missing in
 * part, or whose hash is not the committed one, is dropped (a torn or
 * corrupted tail); a file that is not of this kind is a {@link StoreError}
 * naming it. Node only (node:fs); writes and reads are synchronous.
 */
export class RecordFile {
  /** The file. */
  readonly path: string;
  private readonly kind: RecordFileKind;
  private fd: number | undefined;
  private crc = 0;
  private state: RecordFileState;

  private constructor(path: string, kind: RecordFileKind, fd: number) {
    this.path = path;
    this.kind = kind;
    this.fd = fd;
    try {
      this.state = this.readPreamble();
    } catch (e) {
      closeSync(fd);
      this.fd = undefined;
      throw e;
    }
  }

  /**
   * Open (creating when missing) a record file.
   * @throws StoreError `foreign`, `version` or `corrupt` when the file is not usable as this kind
   */
  static open(path: string, kind: RecordFileKind): RecordFile {
    let fd: number;
    try {
      fd = openSync(path, 'a+');
      closeSync(fd);
      fd = openSync(path, 'r+');
    } catch (e) {
      throw new StoreError(StoreErrorCode.Io, path, `cannot be opened: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    return new RecordFile(path, kind, fd);
  }

  /** What the file held when opened, updated by every write. */
  get opened(): RecordFileState {
    return this.state;
  }

  private live(): number {
    if (this.fd === undefined) throw new StoreError(StoreErrorCode.Io, this.path, 'is closed');
    return this.fd;
  }

  private readPreamble(): RecordFileState {
    const fd = this.live();
    const size = fstatSync(fd).size;
    if (size === 0) return { root: 0, count: 0, lastHash: '', dropped: false };
    const p = Buffer.alloc(RECORD_FILE_PREAMBLE);
    if (size < RECORD_FILE_PREAMBLE || readSync(fd, p, 0, RECORD_FILE_PREAMBLE, 0) !== RECORD_FILE_PREAMBLE) {
      throw new StoreError(StoreErrorCode.Foreign, this.path, `is not an rxbtc ${this.kind.name} (too short)`);
    }
    if (p.toString('latin1', 0, 8) !== this.kind.magic) {
      throw new StoreError(StoreErrorCode.Foreign, this.path, `is not an rxbtc ${this.kind.name}`);
    }
    const format = p.readUInt32LE(8);
    if (format !== this.kind.format) {
      throw new StoreError(
        StoreErrorCode.Version,
        this.path,
        `is an rxbtc ${this.kind.name} of format ${format}; this rxbtc reads format ${this.kind.format}`,
      );
    }
    const size0 = this.kind.recordSize;
    const committed = p.readUInt32LE(16);
    const present = Math.floor((size - RECORD_FILE_PREAMBLE) / size0);
    let count = Math.min(committed, present);
    const lastHash = p.toString('latin1', 32, 64);
    this.crc = p.readUInt32LE(20);
    if (count === committed && count > 0 && sha256dKey(this.readRecords(count - 1, 1)) !== lastHash) count--; // corrupted on disk: never load it
    return { root: p.readUInt32LE(12), count, lastHash: count === committed ? lastHash : '', dropped: count < committed };
  }

  /** `n` records from `index` (a copy). */
  readRecords(index: number, n: number): Uint8Array {
    const out = Buffer.allocUnsafe(n * this.kind.recordSize);
    this.readInto(out, index, n);
    return out;
  }

  /**
   * Read `n` records from `index` into `target` (which may be a view of a
   * typed array of another element type).
   * @throws StoreError `corrupt` when the file ends before them
   */
  readInto(target: Uint8Array, index: number, n: number): void {
    const bytes = n * this.kind.recordSize;
    let done = 0;
    while (done < bytes) {
      const got = readSync(this.live(), target, done, bytes - done, RECORD_FILE_PREAMBLE + index * this.kind.recordSize + done);
      if (got === 0)
        throw new StoreError(StoreErrorCode.Corrupt, this.path, `ends before record ${index + n - 1} of the ${this.kind.name}`);
      done += got;
    }
  }

  /**
   * Whether the CRC-32 of the first `count` records (read into `target`) is
   * the committed one; only for kinds with `bodyCrc`, and only when `count`
   * is the committed count.
   */
  crcMatches(records: Uint8Array): boolean {
    return crc32(records) === this.crc;
  }

  /**
   * Keep the first `keep` records, drop the rest, append `records` (whole
   * records, concatenated), and commit the new count with the hash of the
   * new last record.
   * @param sync - `fdatasync` before and after the preamble (skip it for files that can be rebuilt from another) @default true
   */
  write(root: number, keep: number, records: Uint8Array, sync = true): void {
    const fd = this.live();
    const size0 = this.kind.recordSize;
    if (records.length % size0 !== 0) throw new RangeError(`records are ${size0} bytes each`);
    if (keep > this.state.count) throw new RangeError(`cannot keep ${keep} of ${this.state.count} records`);
    const at = RECORD_FILE_PREAMBLE + keep * size0;
    if (this.kind.bodyCrc) {
      this.crc = keep === this.state.count && !this.state.dropped ? this.crc : keep === 0 ? 0 : crc32(this.readRecords(0, keep));
      this.crc = crc32(records, this.crc);
    }
    let done = 0;
    while (done < records.length) done += writeSync(fd, records, done, records.length - done, at + done);
    ftruncateSync(fd, at + records.length);
    if (sync) fdatasyncSync(fd);
    const count = keep + records.length / size0;
    const last = records.length > 0 ? records.subarray(records.length - size0) : keep > 0 ? this.readRecords(keep - 1, 1) : undefined;
    const lastHash = last ? sha256dKey(last) : '';
    const p = Buffer.alloc(RECORD_FILE_PREAMBLE);
    p.write(this.kind.magic, 0, 'latin1');
    p.writeUInt32LE(this.kind.format, 8);
    p.writeUInt32LE(root, 12);
    p.writeUInt32LE(count, 16);
    if (this.kind.bodyCrc) p.writeUInt32LE(this.crc, 20);
    p.write(lastHash, 32, 'latin1');
    writeSync(fd, p, 0, RECORD_FILE_PREAMBLE, 0);
    if (sync) fdatasyncSync(fd);
    this.state = { root, count, lastHash, dropped: false };
  }

  /** Close the file (later calls fail with a {@link StoreError} `io`). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
