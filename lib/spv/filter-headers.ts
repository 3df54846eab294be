import type { ChainEntry } from '../chain/chain-entry.js';
import type { HeaderChain } from '../chain/header-chain.js';
import { bytesEqual } from '../wire/hex.js';
import { MAX_CFHEADERS_PER_MESSAGE } from '../wire/messages/compact-filters.js';
import { filterHeaderFromHash } from './basic-filter.js';
import { CompactFilterError, CompactFilterErrorCode, type FilterClient } from './filter-client.js';
import type { FilterHeaderChain } from './filter-header-chain.js';
import { CFCHECKPT_INTERVAL } from './serve-filters.js';
import { anchorFilterHeaders } from './filter-anchor.js';
import { judgeFilters } from './judge-filters.js';
import { ReorgGuard } from './reorg-guard.js';
import { syncFilterHeadersInParallel, type CheckpointsOf } from './parallel-filter-headers.js';

/** One peer's claim for a range: its filter hashes and the headers they chain to. */
interface Claim {
  client: FilterClient;
  hashes: Uint8Array[];
  headers: Uint8Array[];
}

/** Fetch one peer's filter hashes for `from`..`to`, chained on `previous`, and check its checkpoints against them. */
async function claimOf(
  client: FilterClient,
  chain: HeaderChain,
  state: FilterHeaderChain,
  from: number,
  to: number,
  checkpointsOf: CheckpointsOf,
  guard: ReorgGuard,
): Promise<Claim> {
  const hashes: Uint8Array[] = [];
  const headers: Uint8Array[] = [];
  let prev = state.headerAt(from - 1);
  for (let start = from; start <= to; start += MAX_CFHEADERS_PER_MESSAGE) {
    const stop = chain.header(Math.min(to, start + MAX_CFHEADERS_PER_MESSAGE - 1))!;
    const { previous, hashes: batch } = await client.headers(start, stop);
    if (!bytesEqual(previous, prev)) {
      const e = new CompactFilterError(
        CompactFilterErrorCode.BadHeaders,
        `cfheaders from ${start} do not continue the verified filter headers`,
        client.address,
      );
      throw guard.blame(client, e);
    }
    for (const h of batch) {
      prev = filterHeaderFromHash(h, prev);
      hashes.push(h);
      headers.push(prev);
    }
  }
  if (to >= CFCHECKPT_INTERVAL) {
    const checkpoints = await checkpointsOf(client, to);
    checkpoints.forEach((cp, i) => {
      const height = (i + 1) * CFCHECKPT_INTERVAL;
      const mine = height < from ? state.knownHeaderAt(height) : headers[height - from];
      if (mine && !bytesEqual(cp, mine)) {
        const e = new CompactFilterError(
          CompactFilterErrorCode.BadCheckpoint,
          `cfcheckpt at ${height} contradicts its own cfheaders`,
          client.address,
        );
        throw guard.blame(client, e);
      }
    });
  }
  return { client, hashes, headers };
}

/**
 * Decide between peers whose filter hashes differ, as neutrino does: at the
 * first height they disagree, fetch the block (checked against the header
 * chain) and each side's filter (checked against its own hash); a filter
 * that does not match every script the block's outputs create is a lie,
 * and its peers are disconnected. Returns the claims left.
 */
async function resolve(claims: Claim[], chain: HeaderChain, from: number, guard: ReorgGuard): Promise<Claim[]> {
  let first = 0;
  while (claims.every((c) => bytesEqual(c.hashes[first]!, claims[0]!.hashes[first]!))) first++;
  const height = from + first;
  const entry: ChainEntry = chain.header(height)!;
  const sides = claims.map((c) => ({ client: c.client, claimed: c.hashes[first]! }));
  const honest = await judgeFilters(
    sides,
    {
      hash: entry.hash,
      height,
      merkleRoot: entry.header.merkleRoot,
      prevBlock: entry.header.prevBlock,
    },
    guard,
  );
  return claims.filter((c) => honest.includes(c.client));
}

/**
 * Whether `client` serves the same filter headers as `claim` for `from`..`to`
 * without downloading them all: its `cfcheckpt` must equal the claim's
 * headers at every 1,000th height, and the headers after the last
 * checkpoint (fewer than 1,000) must end in the claim's last header. Each
 * header commits to every filter hash before it, so agreement there means
 * the same hashes throughout.
 */
async function agrees(
  client: FilterClient,
  chain: HeaderChain,
  state: FilterHeaderChain,
  claim: Claim,
  from: number,
  to: number,
  checkpointsOf: CheckpointsOf,
): Promise<boolean> {
  const headerAt = (h: number): Uint8Array | undefined => (h < from ? state.knownHeaderAt(h) : claim.headers[h - from]);
  if (to >= CFCHECKPT_INTERVAL) {
    const checkpoints = await checkpointsOf(client, to);
    if (checkpoints.length < Math.floor(to / CFCHECKPT_INTERVAL)) return false;
    for (let i = 0; i < Math.floor(to / CFCHECKPT_INTERVAL); i++) {
      const mine = headerAt((i + 1) * CFCHECKPT_INTERVAL);
      if (mine && !bytesEqual(checkpoints[i]!, mine)) return false;
    }
  }
  const start = Math.max(from, Math.floor(to / CFCHECKPT_INTERVAL) * CFCHECKPT_INTERVAL + 1);
  if (start > to) return true; // `to` is itself a checkpoint height, compared above
  const { previous, hashes } = await client.headers(start, chain.header(to)!);
  if (!bytesEqual(previous, headerAt(start - 1)!)) return false;
  let last = previous;
  for (const h of hashes) last = filterHeaderFromHash(h, last);
  return bytesEqual(last, claim.headers[claim.headers.length - 1]!);
}

/** Heights verified and stored per round of {@link syncFilterHeaders}: what a round holds in memory is bounded by it. */
export const FILTER_HEADER_SEGMENT = 4_000; // small enough that a segment's arrays die young

/**
 * Extend the verified filter headers to the chain's tip. Records for blocks
 * that left the best chain are dropped first (see
 * {@link FilterHeaderChain.reconcile}), so only what is new is asked for.
 * Every peer's `cfheaders` must continue what is verified and agree with its
 * own `cfcheckpt`; when peers disagree, the liars are found from the block
 * itself (see `resolve`) and disconnected. Works in segments of
 * {@link FILTER_HEADER_SEGMENT} heights, each stored before the next is
 * asked for. Returns the peers still trusted.
 * @throws CompactFilterError when no trusted peer is left
 */
export async function syncFilterHeaders(
  clients: readonly FilterClient[],
  chain: HeaderChain,
  state: FilterHeaderChain,
): Promise<FilterClient[]> {
  let trusted = [...clients];
  if (chain.root.height > 0) {
    if (!state.empty && state.rootHeight !== chain.root.height - 1) {
      throw new RangeError(
        `the filter headers start at ${state.rootHeight}, the header chain at ${chain.root.height}: they belong to different chains`,
      );
    }
    if (state.empty) trusted = await anchorFilterHeaders(trusted, chain, state);
  } else if (!state.empty && state.rootHeight !== 0) {
    throw new RangeError(`the filter headers start at ${state.rootHeight}, the header chain at genesis: they belong to different chains`);
  }
  await state.reconcile(chain);
  // Each peer's cfcheckpt is asked once per sync (up to the tip), not once per segment.
  const asked = new Map<FilterClient, Promise<Uint8Array[]>>();
  const checkpointsOf: CheckpointsOf = (client, to) => {
    const cached = asked.get(client);
    const need = Math.floor(to / CFCHECKPT_INTERVAL);
    const fresh = (): Promise<Uint8Array[]> => {
      const p = client.checkpoints(chain.header(Math.max(to, chain.height))!);
      asked.set(client, p);
      return p;
    };
    return cached ? cached.then((list) => (list.length >= need ? list : fresh())) : fresh();
  };
  // Peers that agree are downloaded from all at once; a disagreement is settled segment by segment, block by block.
  const guard = new ReorgGuard(chain);
  try {
    // To the tip as it is now: a chain that grows meanwhile (a block every few seconds on a busy test network) is not
    // chased here; the next scan takes what came.
    const target = chain.height;
    if (state.height < target)
      trusted = (await syncFilterHeadersInParallel(trusted, chain, state, checkpointsOf, guard, target)) ?? trusted;
    while (state.height < Math.min(target, chain.height)) {
      const to = Math.min(target, chain.height, state.height + FILTER_HEADER_SEGMENT);
      trusted = await syncSegment(trusted, chain, state, to, checkpointsOf, guard);
    }
    return trusted;
  } finally {
    guard.close();
  }
}

async function syncSegment(
  clients: readonly FilterClient[],
  chain: HeaderChain,
  state: FilterHeaderChain,
  to: number,
  checkpointsOf: CheckpointsOf,
  guard: ReorgGuard,
): Promise<FilterClient[]> {
  const from = state.height + 1;
  const blocks: Uint8Array[] = [];
  for (let h = from; h <= to; h++) blocks.push(chain.header(h)!.hash);
  let claims: Claim[] = [];
  const refused: CompactFilterError[] = [];
  // One peer's headers in full; every other peer is first compared through its checkpoints and last headers (neutrino's
  // way), and downloaded in full only when it disagrees.
  const agreeing: FilterClient[] = [];
  for (const client of clients) {
    if (!client.peer.connected) continue;
    try {
      const primary = claims[0];
      if (primary && (await agrees(client, chain, state, primary, from, to, checkpointsOf))) agreeing.push(client);
      else claims.push(await claimOf(client, chain, state, from, to, checkpointsOf, guard));
    } catch (e) {
      if (!(e instanceof CompactFilterError) || e.code === CompactFilterErrorCode.Reorganised) throw e;
      refused.push(e);
    }
  }
  // A lone peer's own error says more than "no peers".
  if (claims.length === 0 && clients.length === 1 && refused.length === 1) throw refused[0]!;
  const primary = claims[0];
  while (
    claims.length > 1 &&
    !claims.every((c) => bytesEqual(c.headers[c.headers.length - 1]!, claims[0]!.headers[claims[0]!.headers.length - 1]!))
  ) {
    const left = await resolve(claims, chain, from, guard);
    if (left.length === claims.length) break; // every side passed the output check: keep the first, as neutrino keeps its own
    claims = left;
  }
  // Peers that agreed with a claim found lying (others survived it) served the very same headers: they go with it.
  if (primary && claims.length > 0 && !claims.includes(primary)) {
    for (const c of agreeing.splice(0)) {
      const e = guard.blame(
        c,
        new CompactFilterError(CompactFilterErrorCode.LyingFilter, 'its filter headers equal a peer found lying', c.address),
      );
      if (e.code === CompactFilterErrorCode.Reorganised) throw e;
    }
  }
  const winner = claims[0];
  if (!winner) {
    const why = refused.map((e) => e.message).join('; ');
    throw new CompactFilterError(CompactFilterErrorCode.NoPeers, `no peer left to serve compact filters${why ? ` (${why})` : ''}`, '', {
      cause: refused,
    });
  }
  await state.append(blocks, winner.hashes, winner.headers);
  const agree = claims.filter((c) => bytesEqual(c.headers[c.headers.length - 1]!, winner.headers[winner.headers.length - 1]!));
  return [...agree.map((c) => c.client), ...(winner === primary ? agreeing : [])];
}
