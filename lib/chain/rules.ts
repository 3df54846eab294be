import { bitsInfo } from './bits-cache.js';
import type { ChainNode } from './chain-node.js';
import { encodeBits } from './compact.js';
import type { ChainParams } from './params.js';

/** Blocks whose times give the median time past. */
export const MEDIAN_TIME_SPAN = 11;
/** How far ahead of the clock a block's time may be, seconds (Core's MAX_FUTURE_BLOCK_TIME). */
export const MAX_FUTURE_BLOCK_TIME = 2 * 60 * 60;
/** BIP94: how much earlier than its parent a period's first block may be, seconds (Core's MAX_TIMEWARP). */
export const MAX_TIMEWARP = 600;

/** The ancestor of `node` at `height`, or undefined below the chain's root. */
export type AncestorLookup = (node: ChainNode, height: number) => ChainNode | undefined;
/** The parent of `node` (from memory or the store), or undefined for the chain's root. */
export type ParentLookup = (node: ChainNode) => ChainNode | undefined;

/**
 * Median of the times of `node` and its 10 predecessors, as Core's
 * GetMedianTimePast (over fewer near genesis, as Core). Near a chain rooted
 * at a checkpoint, where some of the 11 are below the root, it is the least
 * median the unknown times allow (they could be anything earlier), so a
 * header is refused only if every possible past would refuse it.
 */
export function medianTimePast(node: ChainNode, parentOf: ParentLookup): number {
  // Insertion sort into a scratch array: this runs once per header, and Array#sort with a comparator costs ten times more.
  const times = scratch;
  let count = 0;
  let lowest = node;
  for (let n: ChainNode | undefined = node; n && count < MEDIAN_TIME_SPAN; n = n.prev ?? parentOf(n)) {
    lowest = n;
    let i = count++;
    while (i > 0 && times[i - 1]! > n.time) {
      times[i] = times[i - 1]!;
      i--;
    }
    times[i] = n.time;
  }
  if (count < MEDIAN_TIME_SPAN && lowest.height > 0) {
    const at = (MEDIAN_TIME_SPAN >> 1) - (MEDIAN_TIME_SPAN - count); // the unknown ones all earlier than any known
    return at >= 0 ? times[at]! : 0;
  }
  return times[count >> 1]!;
}

const scratch: number[] = new Array<number>(MEDIAN_TIME_SPAN).fill(0);

/**
 * The `bits` a block at `parent.height + 1` with time `time` must carry:
 * Bitcoin Core's GetNextWorkRequired and CalculateNextWorkRequired, with
 * the testnet 20-minute rule (and its walk back to the last block not mined
 * at the limit), BIP94's retarget from the period's first block, and
 * regtest's fixed target.
 * @returns the required bits, or undefined when they depend on blocks below
 *   the chain's root (the first retarget after a checkpoint that is not on a
 *   retarget boundary; on testnet, a walk back that reaches the root): the
 *   caller then applies {@link permittedTransition}
 */
export function requiredBits(
  parent: ChainNode,
  time: number,
  params: ChainParams,
  ancestor: AncestorLookup,
  parentOf: ParentLookup,
): number | undefined {
  const interval = params.retargetInterval;
  const height = parent.height + 1;
  const limitBits = powLimitBits(params);
  if (height % interval !== 0) {
    if (!params.allowMinDifficultyBlocks) return parent.bits;
    if (time > parent.time + params.targetSpacing * 2) return limitBits;
    const normal = lastNormalBits(parent, interval, limitBits, parentOf);
    return normal === UNKNOWN_BITS ? undefined : normal;
  }
  if (params.noRetargeting) return parent.bits;
  const first = ancestor(parent, height - interval);
  if (!first) return undefined;
  const span = Math.min(Math.max(parent.time - first.time, params.targetTimespan / 4), params.targetTimespan * 4);
  const base = bitsInfo(params.enforceBip94 ? first.bits : parent.bits).target;
  let target = (base * BigInt(span)) / BigInt(params.targetTimespan);
  if (target > params.powLimit) target = params.powLimit;
  return encodeBits(target);
}

/** What {@link lastNormalBits} gives when its walk reaches the chain's root still at the limit (0 is never valid bits). */
const UNKNOWN_BITS = 0;

/**
 * The bits of the last block at or before `start` that is a period's first
 * or was not mined at the limit (testnet's walk back), or UNKNOWN_BITS when
 * the walk reaches the chain's root. Remembered on `start`, so a chain of
 * such blocks (all of regtest's) costs one step per header instead of up to
 * 2,015.
 */
function lastNormalBits(start: ChainNode, interval: number, limitBits: number, parentOf: ParentLookup): number {
  let n = start;
  let bits: number;
  for (;;) {
    if (n.normalBits >= 0) {
      bits = n.normalBits;
      break;
    }
    const atLimit = n.height % interval !== 0 && n.bits === limitBits;
    const p = atLimit ? (n.prev ?? parentOf(n)) : undefined;
    if (!p) {
      bits = atLimit ? UNKNOWN_BITS : n.bits;
      break;
    }
    n = p;
  }
  start.normalBits = bits;
  return bits;
}

/**
 * Bitcoin Core's PermittedDifficultyTransition, for headers whose exact
 * required bits depend on blocks a checkpointed chain does not have: on a
 * retarget height the new target may be at most 4× easier and 4× harder
 * than the old one (each bound rounded through the compact form, as Core
 * does); elsewhere the bits may not change. Networks with min-difficulty
 * blocks permit any transition.
 */
export function permittedTransition(height: number, oldBits: number, newBits: number, params: ChainParams): boolean {
  if (params.allowMinDifficultyBlocks) return true;
  if (height % params.retargetInterval !== 0) return oldBits === newBits;
  const old = bitsInfo(oldBits).target;
  const bound = (timespan: number): bigint => {
    const t = (old * BigInt(timespan)) / BigInt(params.targetTimespan);
    return bitsInfo(encodeBits(t > params.powLimit ? params.powLimit : t)).target;
  };
  const observed = bitsInfo(newBits).target;
  return observed <= bound(params.targetTimespan * 4) && observed >= bound(params.targetTimespan / 4);
}

const limitBitsCache = new WeakMap<ChainParams, number>();

/** The compact form of a network's proof-of-work limit (cached per params object). */
export function powLimitBits(params: ChainParams): number {
  let bits = limitBitsCache.get(params);
  if (bits === undefined) {
    bits = encodeBits(params.powLimit);
    limitBitsCache.set(params, bits);
  }
  return bits;
}

/** Whether a version is retired at a height (BIP34 → 2, BIP66 → 3, BIP65 → 4). */
export function versionRetired(version: number, height: number, params: ChainParams): boolean {
  const [bip34, bip66, bip65] = params.versionHeights;
  return (version < 2 && height >= bip34) || (version < 3 && height >= bip66) || (version < 4 && height >= bip65);
}
