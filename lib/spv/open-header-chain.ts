import { createHeaderChain, type HeaderChain, type HeaderChainOptions } from '../chain/header-chain.js';
import { memoryHeaderStore } from '../chain/header-store.js';
import { chainParams, type Checkpoint } from '../chain/params.js';
import { startCheckpoint, startCheckpoints } from '../chain/start-checkpoints.js';
import type { Peer } from '../peer/peer-api.js';
import { sha256d } from '../wire/hash.js';
import { hashToHex } from '../wire/hex.js';
import { fetchHeader } from './fetch-header.js';
import type { PeerSet } from './peer-set.js';

/**
 * Where a new chain starts: the genesis block, a given checkpoint (a block
 * hash the caller trusts, with its chain work when known), or the built-in
 * checkpoint at or below a wallet's birthday height.
 */
export type ChainStart = 'genesis' | Checkpoint | BirthdayStart;

/** Start at the built-in checkpoint at or below a wallet's birthday (see `startCheckpoint`). */
export interface BirthdayStart {
  /** The height of the wallet's first transaction, or one below it. */
  birthday: number;
}

/** Options of {@link openHeaderChain}. */
export interface OpenHeaderChainOptions extends Omit<HeaderChainOptions, 'checkpoint'> {
  /** Where a new chain starts; a stored chain goes on from its own root. @default 'genesis' */
  start?: ChainStart;
  /** Peers to fetch the checkpoint's header from (needed only when a new chain starts at a checkpoint). */
  source?: Peer | readonly Peer[] | PeerSet;
  /** How long one peer may take to give the checkpoint's header, ms. @default 30000 */
  timeoutMs?: number;
}

/** The checkpoint a start names, or undefined for genesis. */
export function resolveStart(options: Pick<OpenHeaderChainOptions, 'network' | 'start'>): Checkpoint | undefined {
  const start = options.start ?? 'genesis';
  if (start === 'genesis') return undefined;
  if ('birthday' in start) return startCheckpoint(options.network, start.birthday);
  return start;
}

/**
 * A header chain that starts where a light client should: at a checkpoint
 * below the wallet's birthday instead of genesis. A new chain's first
 * header is the checkpoint's, fetched from the peers (`fetchHeader`) and
 * checked to hash to it; a chain already in the store goes on from the
 * root it was started at (its header is read back, not fetched).
 *
 * What is trusted: the checkpoint's hash (built-in ones are listed with
 * their source in checkpoint-tables.ts) and, when given, the chain work up
 * to it, which keeps the minimum-chain-work rule meaningful (a start of
 * unknown work, such as testnet4's and signet's built-in ones, turns that
 * rule off). Every header after it is verified as from genesis, except
 * that the first retarget after a checkpoint that is not on a retarget
 * boundary is held only to Core's permitted ×4 transition, and the median
 * time past of the first ten headers is taken over fewer than eleven.
 *
 * @param options - network, store, start and the peers to ask
 * @returns the chain
 * @throws RangeError when a start is asked below a stored chain's root, or a checkpoint needs peers and none are given; ChainError `checkpoint-unavailable` when no peer gives the header
 * @example
 * ```ts
 * import { openHeaderChain, syncHeaders, networks } from 'rxbtc';
 * const chain = await openHeaderChain({ network: networks.mainnet, start: { birthday: 835_000 }, source: pool });
 * syncHeaders(pool, chain).subscribe((p) => console.log(p.height)); // from 830,591, not from 0
 * ```
 */
export async function openHeaderChain(options: OpenHeaderChainOptions): Promise<HeaderChain> {
  const { start, source, timeoutMs, ...base } = options;
  const store = options.store ?? memoryHeaderStore();
  const params = options.params ?? chainParams(options.network);
  const wanted = resolveStart({ ...base, ...(start === undefined ? {} : { start }) });
  const stored = store.root();
  if (stored) {
    if (wanted && wanted.height < stored.height) {
      throw new RangeError(`${store.location} starts at height ${stored.height}; a chain from ${wanted.height} needs another store`);
    }
    if (stored.height === 0) return createHeaderChain({ ...base, store });
    const hash = hashToHex(sha256d(stored.header));
    const known = [...startCheckpoints(options.network), ...params.checkpoints, ...(wanted ? [wanted] : [])].find(
      (c) => c.height === stored.height && c.hash === hash,
    );
    const chainWork = known?.chainWork;
    return createHeaderChain({
      ...base,
      store,
      checkpoint: { height: stored.height, header: stored.header, ...(chainWork === undefined ? {} : { chainWork }) },
    });
  }
  if (!wanted) return createHeaderChain({ ...base, store });
  if (!source) throw new RangeError(`a chain that starts at checkpoint ${wanted.height} needs peers to fetch its header from`);
  const header = await fetchHeader(source, wanted, timeoutMs === undefined ? {} : { timeoutMs });
  return createHeaderChain({
    ...base,
    store,
    checkpoint: { height: wanted.height, header, ...(wanted.chainWork === undefined ? {} : { chainWork: wanted.chainWork }) },
  });
}
