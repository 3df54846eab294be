import { encodeTransaction, type HeaderChain } from '../../lib/index.js';
import type { CachedChain } from './cached-chain.js';
import { BIRTHDAY, CHAIN_LENGTH, CHECKPOINT_HEIGHT, PAYMENT_HEIGHTS } from './chain-layout.js';
import { servedBlock } from './served-block.js';

/** The least a recovery from the checkpoint receives, by kind, bytes with their message framing. */
export interface MinimumBytes {
  /** Headers after the checkpoint, 2,000 a message (81 bytes each), and the empty reply that says there are no more. */
  headers: number;
  /** Their filter headers, 2,000 a `cfheaders`. */
  filterHeaders: number;
  /** The filters from the birthday, one `cfilter` each. */
  filters: number;
  /** The paid blocks from the birthday. */
  blocks: number;
}

/** Framing per message: v1's 24-byte header; v2's 3 bytes of length, 1 of short command id and 16 of tag. */
export const FRAME = { v1: 24, v2: 3 + 1 + 16 } as const;

const varint = (n: number): number => (n < 0xfd ? 1 : n <= 0xffff ? 3 : 5);

function blockSize(chain: HeaderChain, height: number): number {
  const { transactions } = servedBlock(chain, height);
  return 80 + varint(transactions.length) + transactions.reduce((s, tx) => s + encodeTransaction(tx).length, 0);
}

/** The least bytes over v1 and over v2. */
export function minimumBytes(cached: CachedChain): Record<'v1' | 'v2', MinimumBytes> {
  const span = CHAIN_LENGTH - CHECKPOINT_HEIGHT;
  const messages = Math.ceil(span / 2000);
  let filterPayloads = 0;
  for (let h = BIRTHDAY; h <= CHAIN_LENGTH; h++) {
    const n = cached.filter(h).length;
    filterPayloads += 1 + 32 + varint(n) + n;
  }
  const blocks = PAYMENT_HEIGHTS.reduce((s, h) => s + blockSize(cached.chain, h), 0);
  const least = (frame: number): MinimumBytes => ({
    headers: span * 81 + messages * (frame + 3) + frame + 1,
    filterHeaders: span * 32 + messages * (frame + 1 + 32 + 32 + 3),
    filters: filterPayloads + (CHAIN_LENGTH - BIRTHDAY + 1) * frame,
    blocks: blocks + PAYMENT_HEIGHTS.length * frame,
  });
  return { v1: least(FRAME.v1), v2: least(FRAME.v2) };
}

/** The sum of a {@link MinimumBytes}. */
export const totalOf = (m: MinimumBytes): number => m.headers + m.filterHeaders + m.filters + m.blocks;
