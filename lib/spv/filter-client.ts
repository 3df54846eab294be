import { filter, firstValueFrom, timeout } from 'rxjs';
import type { ChainEntry } from '../chain/chain-entry.js';
import type { Peer } from '../peer/peer-api.js';
import { blockHash } from '../wire/block-header.js';
import { bytesEqual } from '../wire/hex.js';
import type { Block } from '../wire/messages/block.js';
import { FilterType } from '../wire/messages/compact-filters.js';
import { InvType } from '../wire/messages/inv.js';

/** Why compact-filter data from a peer was refused. */
export const CompactFilterErrorCode = {
  /** `cfheaders` that do not continue the filter headers already verified. */
  BadHeaders: 'bad-cfheaders',
  /** A `cfcheckpt` that contradicts the peer's own `cfheaders`. */
  BadCheckpoint: 'bad-cfcheckpt',
  /** A filter whose hash is not the one its header commits to, or that does not decode. */
  BadFilter: 'bad-filter',
  /** A filter that leaves out scripts the block provably holds (found when peers disagree). */
  LyingFilter: 'lying-filter',
  /** A block whose merkle root or hash is not the header's. */
  BadBlock: 'bad-block',
  /** No answer in time. */
  Timeout: 'timeout',
  /** Every peer was found lying or left. */
  NoPeers: 'no-peers',
  /** Peers disagree about filters further below a chain's checkpoint than rxbtc can check (start from an earlier checkpoint). */
  Unresolved: 'unresolved',
  /**
   * The chain reorganised while peers' filter headers were compared: their
   * answers may belong to different branches, so nobody is blamed and the
   * check is made again (a watch does so by itself).
   */
  Reorganised: 'reorganised',
} as const;

/** One of {@link CompactFilterErrorCode}. */
export type CompactFilterErrorCode = (typeof CompactFilterErrorCode)[keyof typeof CompactFilterErrorCode];

/** Compact-filter data that failed verification; the peer that sent it is disconnected. */
export class CompactFilterError extends Error {
  static override readonly name = 'CompactFilterError';
  /** What failed. */
  readonly code: CompactFilterErrorCode;
  /** The peer's address. */
  readonly peer: string;
  /**
   * @param code - what failed
   * @param message - details
   * @param peer - the peer's address
   * @param options - `cause`: the errors behind a `no-peers`
   */
  constructor(code: CompactFilterErrorCode, message: string, peer = '', options?: ErrorOptions) {
    super(`${code}${peer ? ` from ${peer}` : ''}: ${message}`, options);
    this.name = 'CompactFilterError';
    this.code = code;
    this.peer = peer;
  }
}

/** A `cfheaders` reply: the filter header before the range and the range's filter hashes. */
export interface FilterHashes {
  /** The filter header of the block before `start`. */
  previous: Uint8Array;
  /** Filter hashes of `start`..`stop`, in order. */
  hashes: Uint8Array[];
}

/**
 * BIP157 requests to one peer, each answered or failed within `timeoutMs`:
 * replies are matched to their request (stop hash, block hashes).
 */
export class FilterClient {
  /** The peer. */
  readonly peer: Peer;
  private readonly timeoutMs: number;

  /**
   * @param peer - a peer serving NODE_COMPACT_FILTERS
   * @param timeoutMs - how long a reply may take @default 30000
   */
  constructor(peer: Peer, timeoutMs = 30_000) {
    this.peer = peer;
    this.timeoutMs = timeoutMs;
  }

  /** The peer's address, for errors. */
  get address(): string {
    return this.peer.stats().address;
  }

  private async ask<T>(reply: Promise<T>, what: string): Promise<T> {
    try {
      return await reply;
    } catch (e) {
      const error = new CompactFilterError(
        CompactFilterErrorCode.Timeout,
        `no ${what} (${e instanceof Error ? e.message : String(e)})`,
        this.address,
      );
      this.peer.disconnect(error.message, error);
      throw error;
    }
  }

  /** Filter headers at every 1,000th height up to `stop` (`getcfcheckpt`). */
  checkpoints(stop: Pick<ChainEntry, 'hash'>): Promise<Uint8Array[]> {
    const reply = firstValueFrom(
      this.peer.on('cfcheckpt').pipe(
        filter((m) => bytesEqual(m.stopHash, stop.hash)),
        timeout(this.timeoutMs),
      ),
    );
    this.peer.queue({ command: 'getcfcheckpt', filterType: FilterType.Basic, stopHash: stop.hash });
    return this.ask(reply, 'cfcheckpt').then((m) => m.filterHeaders);
  }

  /** The previous filter header and the filter hashes of heights `start`..`stop` (`getcfheaders`, ≤ 2,000). */
  headers(start: number, stop: Pick<ChainEntry, 'hash' | 'height'>): Promise<FilterHashes> {
    const reply = firstValueFrom(
      this.peer.on('cfheaders').pipe(
        filter((m) => bytesEqual(m.stopHash, stop.hash)),
        timeout(this.timeoutMs),
      ),
    );
    this.peer.queue({ command: 'getcfheaders', filterType: FilterType.Basic, startHeight: start, stopHash: stop.hash });
    return this.ask(reply, 'cfheaders').then((m) => {
      if (m.filterHashes.length !== stop.height - start + 1) {
        const error = new CompactFilterError(
          CompactFilterErrorCode.BadHeaders,
          `${m.filterHashes.length} filter hashes for ${stop.height - start + 1} blocks`,
          this.address,
        );
        this.peer.disconnect(error.message, error);
        throw error;
      }
      return { previous: m.previousFilterHeader, hashes: m.filterHashes };
    });
  }

  /** The filters of `blocks` (consecutive heights, ≤ 1,000), in order (`getcfilters`). */
  filters(blocks: readonly Pick<ChainEntry, 'hash' | 'height'>[]): Promise<Uint8Array[]> {
    // Servers (Core, btcd, rxbtc) answer in height order: each cfilter must be the next block's, anything else is ignored.
    const out: Uint8Array[] = [];
    const reply = firstValueFrom(
      this.peer.on('cfilter').pipe(
        filter((m) => {
          const next = blocks[out.length];
          if (m.filterType !== FilterType.Basic || !next || !bytesEqual(m.blockHash, next.hash)) return false;
          out.push(m.filter);
          return out.length === blocks.length;
        }),
        timeout(this.timeoutMs),
      ),
    );
    this.peer.queue({
      command: 'getcfilters',
      filterType: FilterType.Basic,
      startHeight: blocks[0]!.height,
      stopHash: blocks[blocks.length - 1]!.hash,
    });
    return this.ask(reply, 'cfilter').then(() => out);
  }

  /** A full block, checked to be the one asked for (its merkle root is checked by the caller). */
  block(entry: Pick<ChainEntry, 'hash'>): Promise<Block> {
    const reply = firstValueFrom(
      this.peer.on('block').pipe(
        filter((m) => bytesEqual(blockHash(m.block.header), entry.hash)),
        timeout(this.timeoutMs),
      ),
    );
    this.peer.queue({ command: 'getdata', items: [{ type: InvType.WitnessBlock, hash: entry.hash }] });
    return this.ask(reply, 'block').then((m) => m.block);
  }
}
