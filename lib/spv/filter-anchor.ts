import type { HeaderChain } from '../chain/header-chain.js';
import { bytesEqual, hashToHex } from '../wire/hex.js';
import { MAX_CFHEADERS_PER_MESSAGE } from '../wire/messages/compact-filters.js';
import { filterHeaderFromHash } from './basic-filter.js';
import { fetchHeader } from './fetch-header.js';
import { CompactFilterError, CompactFilterErrorCode, type FilterClient } from './filter-client.js';
import type { FilterHeaderChain } from './filter-header-chain.js';
import { gatherAnswers } from './gather-answers.js';
import { ban, judgeFilters, type DisputedBlock } from './judge-filters.js';
import { CFCHECKPT_INTERVAL } from './serve-filters.js';

/** How far below a checkpoint a disagreement about its previous filter header is searched for (one `getcfheaders`). */
export const ANCHOR_DISPUTE_DEPTH = MAX_CFHEADERS_PER_MESSAGE - 1;

/** What one peer says lies below the checkpoint. */
interface View {
  client: FilterClient;
  /** Its `cfcheckpt` up to the checkpoint. */
  checkpoints: Uint8Array[];
  /** Its filter header at the checkpoint's height − 1. */
  previous: Uint8Array;
}

/** One peer's filter hashes over the dispute window, and the headers they chain to. */
interface WindowClaim {
  view: View;
  /** Its filter header just below the window. */
  base: Uint8Array;
  hashes: Uint8Array[];
  headers: Uint8Array[];
}

const sameList = (a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean =>
  a.length === b.length && a.every((x, i) => bytesEqual(x, b[i]!));

function noPeers(refused: readonly CompactFilterError[]): CompactFilterError {
  const why = refused.map((e) => e.message).join('; ');
  return new CompactFilterError(CompactFilterErrorCode.NoPeers, `no peer left to serve compact filters${why ? ` (${why})` : ''}`, '', {
    cause: refused,
  });
}

/**
 * Root an empty filter-header chain below a header chain that starts at a
 * checkpoint (height R): every peer is asked for its `cfcheckpt` up to the
 * checkpoint and for the filter header at R − 1 (the previous header of a
 * `getcfheaders` from R); when all agree, that header is taken as the
 * anchor. When they disagree, BIP157's client rule decides: each peer's
 * filter hashes for the {@link ANCHOR_DISPUTE_DEPTH} heights below R are
 * fetched and chained (a peer contradicting its own answers is
 * disconnected), the headers down to the first height where the hashes
 * differ are fetched and linked back from the checkpoint (so the block is
 * authenticated), the block is fetched and every side's filter checked
 * against it (`judgeFilters`); liars are disconnected, until all left
 * agree. Returns the peers left.
 * @throws CompactFilterError `no-peers` when none is left; `unresolved` when the peers still disagree below the window
 */
export async function anchorFilterHeaders(
  clients: readonly FilterClient[],
  chain: HeaderChain,
  state: FilterHeaderChain,
): Promise<FilterClient[]> {
  const root = chain.root;
  // Every peer at once (a far or stalling one costs the others nothing; one still silent after the grace is left out).
  const asked = await gatherAnswers(
    clients.filter((c) => c.peer.connected),
    async (client): Promise<View> => {
      const [checkpoints, { previous }] = await Promise.all([client.checkpoints(root), client.headers(root.height, root)]);
      return { client, checkpoints, previous };
    },
  );
  const views: View[] = asked.answers.map((a) => a.value);
  const refused: CompactFilterError[] = [];
  for (const { error } of asked.errors) {
    if (!(error instanceof CompactFilterError)) throw error;
    refused.push(error);
  }
  const first = views[0];
  if (!first) throw noPeers(refused);
  let agreed = views;
  if (!views.every((v) => bytesEqual(v.previous, first.previous) && sameList(v.checkpoints, first.checkpoints))) {
    agreed = await settle(views, chain);
  }
  await state.anchor(root.height - 1, root.header.prevBlock, agreed[0]!.previous);
  return agreed.map((v) => v.client);
}

/** Decide a disagreement below the checkpoint; returns the views left, all agreeing on the previous filter header. */
async function settle(views: readonly View[], chain: HeaderChain): Promise<View[]> {
  const top = chain.root.height; // the window is lo..top, the checkpoint's own height included (its stop hash is known)
  const lo = Math.max(1, top - ANCHOR_DISPUTE_DEPTH);
  let claims: WindowClaim[] = [];
  for (const view of views) {
    const claim = await windowClaim(view, chain, lo).catch((e: unknown) => {
      if (e instanceof CompactFilterError) return undefined;
      throw e;
    });
    if (claim) claims.push(claim);
  }
  const walked = new Map<number, DisputedBlock>();
  for (;;) {
    claims = claims.filter((c) => c.view.client.peer.connected);
    const head = claims[0];
    if (!head) throw noPeers([]);
    const at = top - 1 - lo; // index of height top − 1 in the window
    if (claims.every((c) => bytesEqual(c.headers[at]!, head.headers[at]!))) return claims.map((c) => c.view);
    const below = (c: WindowClaim): Uint8Array[] => c.view.checkpoints.slice(0, Math.floor((lo - 1) / CFCHECKPT_INTERVAL));
    if (!claims.every((c) => bytesEqual(c.base, head.base) && sameList(below(c), below(head)))) {
      throw new CompactFilterError(
        CompactFilterErrorCode.Unresolved,
        `peers disagree about compact filters below height ${lo}, more than ${ANCHOR_DISPUTE_DEPTH} blocks under the checkpoint at ${top}: start from an earlier checkpoint`,
        '',
      );
    }
    let d = 0;
    while (claims.every((c) => bytesEqual(c.hashes[d]!, head.hashes[d]!))) d++;
    const block = await walkBack(
      claims.map((c) => c.view.client),
      chain,
      lo + d,
      walked,
    );
    const honest = await judgeFilters(
      claims.map((c) => ({ client: c.view.client, claimed: c.hashes[d]! })),
      block,
    );
    // Every side passed the output check: keep the first, as neutrino keeps its own.
    if (honest.length === claims.length) return claims.filter((c) => bytesEqual(c.headers[at]!, head.headers[at]!)).map((c) => c.view);
    claims = claims.filter((c) => honest.includes(c.view.client));
  }
}

/** A peer's filter hashes for lo..top, chained, checked against its own earlier answers. */
async function windowClaim(view: View, chain: HeaderChain, lo: number): Promise<WindowClaim> {
  const top = chain.root.height;
  const { client } = view;
  const { previous, hashes } = await client.headers(lo, chain.root);
  const headers: Uint8Array[] = [];
  let prev = previous;
  for (const h of hashes) headers.push((prev = filterHeaderFromHash(h, prev)));
  const mine = (height: number): Uint8Array | undefined => (height === lo - 1 ? previous : headers[height - lo]);
  let contradiction: string | undefined;
  if (!bytesEqual(headers[top - 1 - lo]!, view.previous)) contradiction = `its cfheaders from ${lo} and from ${top} disagree`;
  view.checkpoints.forEach((cp, i) => {
    const own = mine((i + 1) * CFCHECKPT_INTERVAL);
    if (own && !bytesEqual(own, cp)) contradiction ??= `its cfcheckpt at ${(i + 1) * CFCHECKPT_INTERVAL} contradicts its own cfheaders`;
  });
  if (contradiction) {
    const e = new CompactFilterError(CompactFilterErrorCode.BadCheckpoint, contradiction, client.address);
    ban(client, e);
    throw e;
  }
  return { view, base: previous, hashes, headers };
}

/**
 * The block at `height` below the checkpoint, authenticated by walking the
 * header links down from the checkpoint's previous block (each header
 * fetched by hash with an empty-locator `getheaders`).
 */
async function walkBack(
  peers: readonly FilterClient[],
  chain: HeaderChain,
  height: number,
  walked: Map<number, DisputedBlock>,
): Promise<DisputedBlock> {
  let h = chain.root.height - 1;
  let hash = chain.root.header.prevBlock;
  while (h >= height) {
    let known = walked.get(h);
    if (!known) {
      const raw = await fetchHeader(
        peers.map((c) => c.peer),
        { height: h, hash: hashToHex(hash) },
      );
      known = { hash, height: h, merkleRoot: raw.slice(36, 68), prevBlock: raw.slice(4, 36) };
      walked.set(h, known);
    }
    if (h === height) return known;
    hash = known.prevBlock;
    h--;
  }
  throw new RangeError(`height ${height} is not below the checkpoint`);
}
