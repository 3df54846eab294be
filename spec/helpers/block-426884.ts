import { ByteReader, decodePayload, encodePayload, readBlock, type Block, type CmpctBlockMessage } from '../../lib/index.js';
import { readData } from './data.js';

/** Mainnet block 426,884 (pre-segwit, 409 transactions): the block of the real `cmpctblock` in testdata. */
export const BLOCK_426884 = 'block-00000000000000000431d0ead6e0bd9f90ff0d469e9b05d51e3d04971f472973.blk';
/** The block, decoded. */
export const block426884: Block = readBlock(new ByteReader(readData(BLOCK_426884)));
/** Its real `cmpctblock` (built by bcoin: 408 short ids, the coinbase prefilled). */
export const cmpct426884 = decodePayload('cmpctblock', readData('cmpctblock-426884.bin')) as CmpctBlockMessage;

/** Byte equality without jest's element-by-element diff (a megabyte each). */
export const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/** Whether a block serialises to exactly block 426,884's bytes. */
export const isBlock426884 = (b: Block): boolean => sameBytes(encodePayload({ command: 'block', block: b }), readData(BLOCK_426884));
