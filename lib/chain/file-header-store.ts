import { truncateSync } from 'node:fs';
import { sha256dKey } from '../wire/hash.js';
import { RecordFile, type RecordFileKind } from '../storage/record-file.js';
import { StoreError, StoreErrorCode } from '../storage/store-error.js';
import { INDEX_WORDS, type HeaderStore, type StoredChain } from './header-store.js';
import { keyEqualsAt } from './hash-key.js';
import { indexWords } from './index-words.js';

/** The header file: 80-byte headers (format 2, as rxbtc has always written it). */
const HEADERS: RecordFileKind = { name: 'header store', magic: 'RXBTCHDR', format: 2, recordSize: 80 };
/** The index beside it: per header the first 8 bytes of its hash and its bits, with a CRC-32 of the whole. */
const INDEX: RecordFileKind = { name: 'header index', magic: 'RXBTCIDX', format: 1, recordSize: INDEX_WORDS * 4, bodyCrc: true };
/** Headers hashed per read when the index is rebuilt or caught up. */
const CHUNK = 8192;

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('rxbtc file stores need a little-endian host');

/**
 * A flat file of 80-byte header records, as neutrino's headerfs keeps them
 * (record `i` is the header at `root + i`, after a 64-byte preamble that
 * commits to the count and the hash of the last record), and beside it
 * `PATH.index`: 12 bytes per header (the first 8 bytes of its hash and its
 * `bits`) under a CRC-32, which a chain loads whole to rebuild its hash
 * index and chain work without hashing a single header.
 *
 * Durability: a write puts the headers in place and `fdatasync`s, then
 * commits the preamble and syncs again, and only then resolves; the index
 * is written after, without syncing, because it can always be rebuilt. On
 * open a torn or corrupted last header is dropped. The index is trusted
 * only when its CRC holds and its last entry is the hash of the header at
 * the same height; an index behind the headers (a crash between the two
 * writes) is caught up by hashing only the headers it lacks, and any other
 * disagreement rebuilds it from the headers (every header hashed, every
 * link checked; a header that does not link to the one before is dropped
 * with everything after it). Node only (node:fs); the files are created
 * when missing.
 * @param path - the header file
 * @throws StoreError (naming the file) when a file exists but is not this store's
 */
export function fileHeaderStore(path: string): HeaderStore {
  const headers = RecordFile.open(path, HEADERS);
  let index: RecordFile;
  try {
    index = RecordFile.open(`${path}.index`, INDEX);
  } catch (e) {
    if (!(e instanceof StoreError) || e.code !== StoreErrorCode.Version) {
      headers.close();
      throw e;
    }
    index = reset(`${path}.index`);
  }
  let indexBroken = false;
  return {
    location: path,
    load: () => load(headers, index),
    root: () => (headers.opened.count === 0 ? undefined : { height: headers.opened.root, header: headers.readRecords(0, 1) }),
    read: (at, n) => headers.readRecords(at, n),
    write: (rootHeight, keep, list, words) => {
      const data = new Uint8Array(list.length * 80);
      list.forEach((h, i) => data.set(h, i * 80));
      headers.write(rootHeight, keep, data);
      if (index.opened.count < keep) indexBroken = true; // behind: the next open catches it up from the headers
      if (!indexBroken) {
        try {
          index.write(rootHeight, keep, asBytes(words, list.length), false);
        } catch {
          indexBroken = true; // the headers are safe; the next open catches the index up from them
        }
      }
      return Promise.resolve();
    },
    close: () => {
      headers.close();
      index.close();
      return Promise.resolve();
    },
  };
}

/** An index file of an older format is ours to replace. */
function reset(path: string): RecordFile {
  truncateSync(path, 0);
  return RecordFile.open(path, INDEX);
}

const asBytes = (words: Uint32Array, records: number): Uint8Array =>
  new Uint8Array(words.buffer, words.byteOffset, records * INDEX_WORDS * 4);

function load(headers: RecordFile, index: RecordFile): StoredChain | undefined {
  const h = headers.opened;
  if (h.count === 0) return undefined;
  const i = index.opened;
  // Exactly what is stored: the chain's index appends in chunks of its own, never copying this.
  const words = new Uint32Array(Math.max(h.count, i.count) * INDEX_WORDS);
  let trusted = 0;
  if (i.root === h.root && !i.dropped && i.count > 0) {
    const body = asBytes(words, i.count);
    index.readInto(body, 0, i.count);
    const m = Math.min(i.count, h.count);
    if (index.crcMatches(body) && agrees(words, m - 1, headers)) trusted = m;
  }
  const count = catchUp(headers, words, trusted, h.count);
  if (count !== i.count || trusted !== i.count)
    index.write(h.root, trusted, asBytes(words.subarray(trusted * INDEX_WORDS), count - trusted), false);
  return { rootHeight: h.root, count, index: words };
}

/** Whether the index words at `at` are those of the header stored there (one header hashed). */
function agrees(words: Uint32Array, at: number, headers: RecordFile): boolean {
  const mine = indexWords(sha256dKey(headers.readRecords(at, 1)), 0);
  const o = at * INDEX_WORDS;
  return words[o] === mine[0] && words[o + 1] === mine[1];
}

/**
 * Hash headers `from`..`to - 1` into `words`, checking that each links to
 * the one before; returns how many records are sound (a broken link drops
 * that header and every one after it).
 */
function catchUp(headers: RecordFile, words: Uint32Array, from: number, to: number): number {
  let prev = from > 0 ? sha256dKey(headers.readRecords(from - 1, 1)) : undefined;
  for (let start = from; start < to; start += CHUNK) {
    const n = Math.min(CHUNK, to - start);
    const chunk = headers.readRecords(start, n);
    for (let k = 0; k < n; k++) {
      const raw = chunk.subarray(k * 80, (k + 1) * 80);
      if (prev !== undefined && !keyEqualsAt(prev, raw, 4)) return start + k;
      prev = sha256dKey(raw);
      const w = indexWords(prev, raw[72]! | (raw[73]! << 8) | (raw[74]! << 16) | (raw[75]! << 24));
      words.set(w, (start + k) * INDEX_WORDS);
    }
  }
  return to;
}
