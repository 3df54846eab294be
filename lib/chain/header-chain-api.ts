import type { Observable } from 'rxjs';
import type { BlockHeader } from '../wire/block-header.js';
import type { Network } from '../wire/networks.js';
import type { ChainEntry } from './chain-entry.js';
import type { HeaderStore } from './header-store.js';
import type { ChainParams } from './params.js';

/*
 * What a header chain is to its users (options, results, the interface);
 * header-chain.ts holds how rxbtc's chain does it.
 */

/** A trusted starting point: light clients start from a recent header instead of genesis. */
export interface TrustedCheckpoint {
  /**
   * Its height. Any height: when it is not a retarget height, the first
   * retarget after it is checked only against Core's permitted ×4
   * transition (its exact value needs the period's first block, which the
   * chain does not have); every later one is checked in full.
   */
  height: number;
  /** The header, as 80 raw bytes or decoded. */
  header: Uint8Array | BlockHeader;
  /** Total work of the chain up to and including it, when known; enables the minimum-chain-work check. */
  chainWork?: bigint;
}

/** Options of {@link createHeaderChain}. */
export interface HeaderChainOptions {
  /** The network whose rules apply. */
  network: Network;
  /** Where the best chain is kept. @default memoryHeaderStore() */
  store?: HeaderStore;
  /** Start from this trusted header instead of the genesis block. */
  checkpoint?: TrustedCheckpoint;
  /** Override the consensus rules (tests, custom networks). @default chainParams(network) */
  params?: ChainParams;
  /** The clock for the 2-hour future limit, in seconds since 1970. @default Date.now() / 1000 */
  now?: () => number;
  /**
   * Headers of the best chain held in memory as objects (between this many
   * and twice as many); older ones are read from the store when asked for.
   * The contextual rules read the last 2,016 + 11, so a smaller value costs
   * store reads, not correctness. @default 2048
   */
  memoryHeaders?: number;
}

/** A change of best chain that is not a plain extension. */
export interface Reorg {
  /** Height of the last block both chains share. */
  forkHeight: number;
  /** Blocks that left the best chain, lowest first. */
  disconnected: ChainEntry[];
  /** Blocks that joined it, lowest first. */
  connected: ChainEntry[];
}

/** What one {@link HeaderChain.add} did. */
export interface AddResult {
  /** Headers stored that were not known before. */
  added: number;
  /** The best chain's tip afterwards. */
  tip: ChainEntry;
  /** Set when the best chain switched branches. */
  reorg?: Reorg;
}

/** A header chain verified by rxbtc itself; see {@link createHeaderChain}. */
export interface HeaderChain {
  /** The network. */
  readonly network: Network;
  /** The rules in force. */
  readonly params: ChainParams;
  /** The best chain's tip. */
  readonly tip: ChainEntry;
  /** Its height. */
  readonly height: number;
  /** The chain's first stored header (genesis or the trusted checkpoint). */
  readonly root: ChainEntry;
  /** The tip now and at every change. */
  readonly tip$: Observable<ChainEntry>;
  /** Every reorganisation. */
  readonly reorg$: Observable<Reorg>;
  /**
   * Validate and store headers in order. Headers before the first invalid
   * one are kept; then it rejects with a {@link ChainError}. Resolves once
   * the store has them on disk.
   */
  add(headers: readonly (BlockHeader | Uint8Array)[]): Promise<AddResult>;
  /** A best-chain header by height, or any known header by hash (wire-order bytes or display hex). */
  header(heightOrHash: number | Uint8Array | string): ChainEntry | undefined;
  /** Whether a hash is on the best chain. */
  isBest(hash: Uint8Array): boolean;
  /** A block locator for getheaders: the last 10 hashes, then exponentially sparser, ending at the root. */
  locator(from?: ChainEntry): Uint8Array[];
  /**
   * Answer a locator as a peer would (Core's FindForkInGlobalIndex): the
   * best-chain entries after the first locator hash on the best chain, up to
   * `stop` (included) or `max` entries. An empty locator asks for the `stop`
   * header alone (how a light client fetches a checkpoint's header).
   */
  after(locator: readonly Uint8Array[], stop?: Uint8Array, max?: number): ChainEntry[];
  /**
   * Whether the best chain has at least the network's minimum chain work
   * (always true when the chain started from a checkpoint of unknown work).
   */
  readonly meetsMinimumWork: boolean;
  /** Release the store. */
  close(): Promise<void>;
}

/** Blocks of work behind the tip within which a competing branch is always worth storing (Core's anti-DoS window). */
export const ANTI_DOS_BLOCKS = 144;
/** Default of {@link HeaderChainOptions.memoryHeaders}. */
export const MEMORY_HEADERS = 2048;
