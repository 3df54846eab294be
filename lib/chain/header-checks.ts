import { bitsInfo, keyMeetsTarget } from './bits-cache.js';
import type { ChainNode } from './chain-node.js';
import { ChainErrorCode } from './errors.js';
import { keyToHex } from './hash-key.js';
import type { ChainParams } from './params.js';
import {
  MAX_TIMEWARP,
  medianTimePast,
  permittedTransition,
  requiredBits,
  versionRetired,
  type AncestorLookup,
  type ParentLookup,
} from './rules.js';

/** A rule a header broke and why. */
export type HeaderFailure = [ChainErrorCode, string];

/** Core's context-free check of a header's proof of work: `bits` usable and within the network's limit, the hash under its target. */
export function checkProofOfWork(key: string, bits: number, params: ChainParams): HeaderFailure | undefined {
  const info = bitsInfo(bits);
  if (info.invalid !== undefined) return [ChainErrorCode.BadPow, `bits 0x${bits.toString(16)} is ${info.invalid}`];
  if (info.target > params.powLimit)
    return [ChainErrorCode.BadPow, `bits 0x${bits.toString(16)} is above the network's proof-of-work limit`];
  if (!keyMeetsTarget(key, info.targetLE)) return [ChainErrorCode.BadPow, `hash above the target of bits 0x${bits.toString(16)}`];
  return undefined;
}

/** What the contextual rules need from the chain. */
export interface HeaderContext {
  /** The rules. */
  params: ChainParams;
  /** Latest allowed time (the clock + 2 hours), seconds. */
  latest: number;
  /** Highest hard-coded checkpoint the best chain has passed (-1 when none). */
  passed: number;
  /** Hard-coded checkpoint hashes (latin1 keys) by height. */
  checkpointKeys: ReadonlyMap<number, string>;
  /** Ancestor lookup. */
  ancestor: AncestorLookup;
  /** Parent lookup. */
  parentOf: ParentLookup;
}

/** Core's ContextualCheckBlockHeader, in its order; undefined when the header passes. */
export function checkContext(node: ChainNode, parent: ChainNode, ctx: HeaderContext): HeaderFailure | undefined {
  const p = ctx.params;
  const required = requiredBits(parent, node.time, p, ctx.ancestor, ctx.parentOf);
  if (required === undefined) {
    // It depends on blocks below a checkpointed root: Core's check for headers it cannot fully validate yet.
    if (!permittedTransition(node.height, parent.bits, node.bits, p)) {
      return [ChainErrorCode.BadBits, `bits 0x${node.bits.toString(16)} is not a permitted transition from 0x${parent.bits.toString(16)}`];
    }
  } else if (node.bits !== required) {
    return [ChainErrorCode.BadBits, `bits 0x${node.bits.toString(16)}, required 0x${required.toString(16)}`];
  }
  const cp = ctx.checkpointKeys.get(node.height);
  if (cp !== undefined && cp !== node.key) return [ChainErrorCode.CheckpointMismatch, `checkpoint at ${node.height} is ${keyToHex(cp)}`];
  if (node.height <= ctx.passed) return [ChainErrorCode.CheckpointMismatch, `forks below the checkpoint at ${ctx.passed}`];
  const mtp = medianTimePast(parent, ctx.parentOf);
  if (node.time <= mtp) return [ChainErrorCode.TimeTooOld, `time ${node.time} is not after the median time past ${mtp}`];
  if (p.enforceBip94 && node.height % p.retargetInterval === 0 && node.time < parent.time - MAX_TIMEWARP) {
    return [ChainErrorCode.TimeWarp, `time ${node.time} is more than ${MAX_TIMEWARP} s before its parent's ${parent.time}`];
  }
  if (node.time > ctx.latest) return [ChainErrorCode.TimeTooNew, `time ${node.time} is more than 2 hours ahead of the clock`];
  if (versionRetired(node.version, node.height, p))
    return [ChainErrorCode.BadVersion, `version ${node.version} is retired at height ${node.height}`];
  return undefined;
}
