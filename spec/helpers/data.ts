import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository's `testdata/` folder: real mainnet data and BIP vectors (see its README). */
export const DATA_DIR = resolve(__dirname, '..', '..', 'testdata');

/** Read a data file as a plain Uint8Array. */
export function readData(name: string): Uint8Array {
  const b = readFileSync(join(DATA_DIR, name));
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** The 1.2 MB segwit-era block (3,315 transactions). */
export const BLOCK_1_2MB = 'block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk';
/** The 2.3 MB witness-heavy block (230 transactions). */
export const BLOCK_2_3MB = 'block-00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab.blk';
