import type { Block } from '../wire/messages/block.js';

/** OP_0, and OP_1 … OP_16 (0x51 … 0x60): small heights as BIP34 pushes them. */
const OP_0 = 0x00;
const OP_1 = 0x51;
const OP_16 = 0x60;

/**
 * The height a block's coinbase states (BIP34: the first push of its
 * input script, a little-endian number), for blocks of version 2 and up;
 * undefined when there is none. It is the block's claim: only a header
 * chain connects a block to a verified height.
 */
export function coinbaseHeight(block: Block): number | undefined {
  if (block.header.version < 2) return undefined;
  const script = block.transactions[0]?.inputs[0]?.script;
  if (!script || script.length === 0) return undefined;
  const op = script[0]!;
  if (op === OP_0) return 0;
  if (op >= OP_1 && op <= OP_16) return op - OP_1 + 1;
  if (op < 1 || op > 5 || script.length < 1 + op) return undefined;
  let height = 0;
  for (let i = op; i >= 1; i--) height = height * 256 + script[i]!;
  // A sign bit set would make it negative: not a height.
  return script[op]! & 0x80 ? undefined : height;
}
