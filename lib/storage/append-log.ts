import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import { StoreError, StoreErrorCode } from './store-error.js';

/** Bytes before the first record: magic (8), format (4), reserved (4). */
const HEAD = 16;
/** Bytes before each record's payload: its length (4), the length's complement (4), the CRC-32 of the payload (4). */
const FRAME = 12;
/** Largest payload a record may claim: a longer claim is damage, not data. */
export const MAX_LOG_RECORD = 16 * 1024 * 1024;

/** What an {@link AppendLog} is: its signature and format. */
export interface AppendLogKind {
  /** What it is, for errors ("wallet log"). */
  name: string;
  /** Eight ASCII characters at the start of the file. */
  magic: string;
  /** Format version. */
  format: number;
}

/**
 * An append-only log of records, each framed by its length (and the
 * length's complement) and a CRC-32. An append writes its records in one go
 * at the end and `fdatasync`s before it resolves. On open, a last record
 * that is cut short or fails its CRC is a write a crash tore: it is dropped
 * (and cut at the next append). A record that fails its CRC with more
 * records after it, or any damaged length field (where the next record
 * starts is then unknown), is damage: a {@link StoreError} `corrupt`
 * naming the file and the offset, never a silent reset. `rewrite` replaces the whole log atomically (a temporary
 * file, synced, renamed over it, the folder synced). Node only.
 */
export class AppendLog {
  /** The file. */
  readonly path: string;
  private readonly kind: AppendLogKind;
  private fd: number | undefined;
  private end: number;
  private readonly loaded: Uint8Array[];

  private constructor(path: string, kind: AppendLogKind) {
    this.path = path;
    this.kind = kind;
    mkdirSync(dirname(path), { recursive: true });
    const fresh = !existsSync(path);
    this.fd = openSync(path, fresh ? 'w+' : 'r+');
    try {
      if (fresh || fstatSync(this.fd).size === 0) {
        writeSync(this.fd, head(kind));
        fdatasyncSync(this.fd);
        this.end = HEAD;
        this.loaded = [];
      } else {
        [this.loaded, this.end] = this.scan();
      }
    } catch (e) {
      closeSync(this.fd);
      this.fd = undefined;
      throw e;
    }
  }

  /**
   * Open (creating when missing) a log.
   * @throws StoreError `foreign`, `version` or `corrupt`
   */
  static open(path: string, kind: AppendLogKind): AppendLog {
    return new AppendLog(path, kind);
  }

  /** The records found on open, in order. */
  get records(): readonly Uint8Array[] {
    return this.loaded;
  }

  private live(): number {
    if (this.fd === undefined) throw new StoreError(StoreErrorCode.Io, this.path, 'is closed');
    return this.fd;
  }

  private scan(): [Uint8Array[], number] {
    const fd = this.live();
    const size = fstatSync(fd).size;
    const bytes = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) got += readSync(fd, bytes, got, size - got, got);
    if (size < HEAD || bytes.toString('latin1', 0, 8) !== this.kind.magic) {
      throw new StoreError(StoreErrorCode.Foreign, this.path, `is not an rxbtc ${this.kind.name}`);
    }
    const format = bytes.readUInt32LE(8);
    if (format !== this.kind.format) {
      throw new StoreError(
        StoreErrorCode.Version,
        this.path,
        `is an rxbtc ${this.kind.name} of format ${format}; this rxbtc reads format ${this.kind.format}`,
      );
    }
    const out: Uint8Array[] = [];
    let at = HEAD;
    while (at < size) {
      if (size - at < FRAME) break; // a frame cut short: the last write was torn
      const length = bytes.readUInt32LE(at);
      if (~length >>> 0 !== bytes.readUInt32LE(at + 4) || length > MAX_LOG_RECORD) {
        // A damaged length: where the next record starts is lost, so this is never taken for a torn tail.
        throw new StoreError(StoreErrorCode.Corrupt, this.path, `has a record at offset ${at} whose length field is damaged`);
      }
      const end = at + FRAME + length;
      if (end > size) break; // the last record, cut short
      const payload = bytes.subarray(at + FRAME, end);
      if (crc32(payload) !== bytes.readUInt32LE(at + 8)) {
        if (end === size) break; // the last record, torn (a crash can leave its pages unwritten)
        throw new StoreError(StoreErrorCode.Corrupt, this.path, `has a damaged record at offset ${at} (its CRC-32 fails)`);
      }
      out.push(new Uint8Array(payload));
      at = end;
    }
    return [out, at];
  }

  /** Append records (payloads) in one write; resolves once they are on disk. */
  append(records: readonly Uint8Array[]): Promise<void> {
    const fd = this.live();
    const data = frame(records);
    let done = 0;
    while (done < data.length) done += writeSync(fd, data, done, data.length - done, this.end + done);
    ftruncateSync(fd, this.end + data.length); // also cuts a torn tail found on open
    fdatasyncSync(fd);
    this.end += data.length;
    return Promise.resolve();
  }

  /** Replace every record with `records`, atomically: a crash leaves the old log or the new one. */
  rewrite(records: readonly Uint8Array[]): Promise<void> {
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      const data = Buffer.concat([head(this.kind), frame(records)]);
      let done = 0;
      while (done < data.length) done += writeSync(fd, data, done, data.length - done, done);
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
    closeSync(this.live());
    renameSync(tmp, this.path);
    syncFolder(dirname(this.path));
    this.fd = openSync(this.path, 'r+');
    this.end = fstatSync(this.fd).size;
    return Promise.resolve();
  }

  /** Close the file. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

function head(kind: AppendLogKind): Buffer {
  const h = Buffer.alloc(HEAD);
  h.write(kind.magic, 0, 'latin1');
  h.writeUInt32LE(kind.format, 8);
  return h;
}

function frame(records: readonly Uint8Array[]): Buffer {
  const data = Buffer.allocUnsafe(records.reduce((n, r) => n + FRAME + r.length, 0));
  let at = 0;
  for (const r of records) {
    if (r.length > MAX_LOG_RECORD) throw new RangeError(`a log record is at most ${MAX_LOG_RECORD} bytes`);
    data.writeUInt32LE(r.length, at);
    data.writeUInt32LE(~r.length >>> 0, at + 4);
    data.writeUInt32LE(crc32(r), at + 8);
    data.set(r, at + FRAME);
    at += FRAME + r.length;
  }
  return data;
}

/** Make a rename durable: sync the folder that holds it (where the platform allows opening a folder). */
function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, 'r');
    fdatasyncSync(fd);
  } catch {
    // Some platforms cannot sync a folder; the rename is then as durable as the platform makes it.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
