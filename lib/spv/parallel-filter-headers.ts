import { from, lastValueFrom, mergeMap, takeUntil, type SchedulerLike } from 'rxjs';
import type { HeaderChain } from '../chain/header-chain.js';
import { download } from '../download/download.js';
import { peerWorkers } from './peer-workers.js';
import { bytesEqual } from '../wire/hex.js';
import { filterHeaderFromHash } from './basic-filter.js';
import { CompactFilterError, CompactFilterErrorCode, type FilterClient } from './filter-client.js';
import type { FilterHeaderChain } from './filter-header-chain.js';
import { filterHeaderJob, headerSpans } from './filter-header-job.js';
import { gatherAnswers } from './gather-answers.js';
import type { ReorgGuard } from './reorg-guard.js';
import { CFCHECKPT_INTERVAL } from './serve-filters.js';

/** Spans handed out at most ahead of the first not yet stored (each holds up to 1,000 headers and hashes). */
const SPAN_WINDOW = 32;

/** A peer's `cfcheckpt` up to the tip (see {@link syncFilterHeadersInParallel}). */
export type CheckpointsOf = (client: FilterClient, to: number) => Promise<Uint8Array[]>;

const sameList = (a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean =>
  a.length === b.length && a.every((x, i) => bytesEqual(x, b[i]!));

/**
 * Extend the verified filter headers to `target` (the chain's tip) from every peer at
 * once, when the peers agree: each one's `cfcheckpt` is asked at once (a
 * peer that does not answer in time is left out, see `gatherAnswers`); if
 * every answer is the same and agrees with the headers already verified,
 * the headers between checkpoints are spread over those peers by the
 * download scheduler, each run checked to start and end on the agreed
 * checkpoints, and stored in order; the last run after the last checkpoint
 * is confirmed by every other peer's header at the tip. Returns the peers
 * that agreed, or undefined (nothing stored beyond what was checked) when
 * they disagree anywhere: the caller then settles it block by block.
 */
export async function syncFilterHeadersInParallel(
  clients: readonly FilterClient[],
  chain: HeaderChain,
  state: FilterHeaderChain,
  checkpointsOf: CheckpointsOf,
  guard: ReorgGuard,
  target = chain.height,
  scheduler?: SchedulerLike,
): Promise<FilterClient[] | undefined> {
  const to = Math.min(target, chain.height);
  const start = state.height + 1;
  if (start > to) return [...clients];
  const need = Math.floor(to / CFCHECKPT_INTERVAL);
  const connected = clients.filter((c) => c.peer.connected);
  // No checkpoint between what is verified and the tip (following the chain live, below the first checkpoint): nothing
  // to agree on in advance, the run is checked by every peer's header at the tip.
  const ahead = need > 0 && need * CFCHECKPT_INTERVAL >= start;
  const asked = ahead
    ? await gatherAnswers(connected, (c) => checkpointsOf(c, to), scheduler)
    : { answers: connected.map((client) => ({ client, value: [] as Uint8Array[] })) };
  const first = asked.answers[0];
  if (!first) return undefined;
  const checkpoints = first.value.slice(0, need);
  const agreed = !ahead || asked.answers.every((a) => a.value.length >= need && sameList(a.value.slice(0, need), checkpoints));
  const known = checkpoints.every((cp, i) => {
    const mine = state.knownHeaderAt((i + 1) * CFCHECKPT_INTERVAL);
    return !mine || bytesEqual(mine, cp);
  });
  if (!agreed || !known) return undefined;
  const peers = asked.answers.map((a) => a.client);
  const checkpointAt = (h: number): Uint8Array | undefined =>
    h % CFCHECKPT_INTERVAL === 0 ? checkpoints[h / CFCHECKPT_INTERVAL - 1] : undefined;
  const previousAt = (h: number): Uint8Array => (h - 1 <= state.height ? state.headerAt(h - 1) : checkpointAt(h - 1)!);
  const workers = peerWorkers(
    peers.map((c) => c.peer),
    () => true,
  );
  await lastValueFrom(
    from(headerSpans(start, to)).pipe(
      download(
        filterHeaderJob(chain, previousAt, checkpointAt, () => guard.stable),
        workers,
        {
          window: SPAN_WINDOW,
          maxBatch: 2,
          itemBytes: CFCHECKPT_INTERVAL * 32,
          ...(scheduler ? { scheduler } : {}),
        },
      ),
      takeUntil(chain.reorg$), // what is asked for belongs to a branch the chain may have left: start again
      mergeMap(({ item, value }) => {
        const blocks = [];
        for (let h = item.start; h <= item.end; h++) blocks.push(chain.header(h)!.hash);
        return state.append(blocks, value.hashes, value.headers);
      }, 1),
    ),
    { defaultValue: undefined },
  );
  // One peer (or a run ending on a checkpoint): nothing left to compare.
  if (!guard.stable)
    throw new CompactFilterError(CompactFilterErrorCode.Reorganised, 'the chain reorganised while the filter headers were fetched');
  if (to % CFCHECKPT_INTERVAL === 0 || peers.length === 1) return peers;
  // The last run ends on no checkpoint: every peer's header at the tip must be the one stored.
  const tip = state.headerAt(to);
  const others = await gatherAnswers(
    peers,
    async (c) => {
      const { previous, hashes } = await c.headers(to, chain.header(to)!);
      return filterHeaderFromHash(hashes[0]!, previous);
    },
    scheduler,
  );
  if (others.answers.length > 0 && others.answers.every((a) => bytesEqual(a.value, tip))) return others.answers.map((a) => a.client);
  await state.truncate(Math.floor(to / CFCHECKPT_INTERVAL) * CFCHECKPT_INTERVAL);
  return undefined;
}
