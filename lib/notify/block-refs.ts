import type { HeaderChain } from '../chain/header-chain.js';
import type { BlockRef } from '../wallet/wallet-records.js';
import type { CheckedTip } from './notifier-records.js';

/** The best chain's block at `height` with the blocks 1, 2, 4, … below it down to the root, or undefined when it has none there. */
export function checkedTip(chain: HeaderChain, height: number): CheckedTip | undefined {
  const at = chain.header(height);
  if (!at) return undefined;
  const below: BlockRef[] = [];
  for (let step = 1; height - step >= chain.root.height; step *= 2)
    below.push({ height: height - step, hash: chain.header(height - step)!.hashHex });
  if (below.at(-1)?.height !== chain.root.height && height !== chain.root.height)
    below.push({ height: chain.root.height, hash: chain.root.hashHex });
  return { height, hash: at.hashHex, below };
}

/** The highest of a tip and the blocks stored below it that the best chain still holds, or undefined when none is. */
export function highestKept(chain: HeaderChain, tip: CheckedTip): number | undefined {
  const kept = (r: BlockRef): boolean => chain.header(r.height)?.hashHex === r.hash;
  if (kept(tip)) return tip.height;
  return tip.below.find(kept)?.height;
}
