import { ByteReader, readBlockHeader, type BlockHeader } from '../../lib/index.js';
import { readData } from './data.js';

/** Height of the first of the real mainnet headers in testdata/headers-822528-830592.bin. */
export const MAINNET_FIRST = 822_528;
/** Those 8,065 headers' raw bytes, 80 each. */
export const mainnetRaw = readData('headers-822528-830592.bin');
/** The same headers, decoded (index i is height MAINNET_FIRST + i). */
export const mainnetHeaders: BlockHeader[] = [];
for (let off = 0; off < mainnetRaw.length; off += 80)
  mainnetHeaders.push(readBlockHeader(new ByteReader(mainnetRaw.subarray(off, off + 80))));
