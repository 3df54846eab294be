import type { Network } from '../wire/networks.js';
import { MAINNET_PERIOD_ENDS, SIGNET_PERIOD_ENDS, TESTNET4_PERIOD_ENDS } from './checkpoint-tables.js';
import type { Checkpoint } from './params.js';

/*
 * Kept apart from the consensus parameters: a page that only verifies
 * headers does not carry ~7 KB of hashes it never starts from.
 */
const TABLES: Record<string, readonly Checkpoint[]> = {
  mainnet: MAINNET_PERIOD_ENDS,
  testnet4: TESTNET4_PERIOD_ENDS,
  signet: SIGNET_PERIOD_ENDS,
};

/**
 * The built-in checkpoints a light client may start from on a network,
 * ascending: the last block of every fourth retarget period, with its chain
 * work on mainnet (see checkpoint-tables.ts for the source); empty for
 * networks without any (testnet3, regtest).
 */
export function startCheckpoints(network: Network): readonly Checkpoint[] {
  return TABLES[network.name] ?? [];
}

/**
 * Where a wallet born at `birthday` can start: the highest built-in
 * checkpoint at or below it, or undefined when there is none (start from
 * genesis). On mainnet the start is never more than 8,063 blocks before the
 * birthday up to height 951,551.
 */
export function startCheckpoint(network: Network, birthday: number): Checkpoint | undefined {
  let best: Checkpoint | undefined;
  for (const c of startCheckpoints(network)) if (c.height <= birthday) best = c;
  return best;
}
