import { defer, filter, firstValueFrom, map, race, take, timer } from 'rxjs';
import type { Checkpoint } from '../chain/params.js';
import { ChainError, ChainErrorCode } from '../chain/errors.js';
import { rawOf } from '../chain/raw-header.js';
import type { Peer } from '../peer/peer-api.js';
import { sha256d } from '../wire/hash.js';
import { hashFromHex, hashToHex } from '../wire/hex.js';
import { isPeerSet, type PeerSet } from './peer-set.js';

/** Options of {@link fetchHeader}. */
export interface FetchHeaderOptions {
  /** How long one peer may take to answer, ms. @default 30000 */
  timeoutMs?: number;
}

/** How long {@link fetchHeader} waits for one peer's answer by default, ms. */
export const FETCH_HEADER_TIMEOUT_MS = 30_000;

/**
 * Fetch the 80-byte header of a checkpoint from peers: a `getheaders` with
 * an empty locator and the checkpoint's hash as stop hash, which Bitcoin
 * Core and bcoin answer with that one header. The answer must hash to the
 * checkpoint: a peer whose answer does not is disconnected with a
 * `checkpoint-mismatch` {@link ChainError} (a pool bans it); a peer that
 * does not know the block (an empty answer) or is silent for `timeoutMs`
 * is passed over. Peers are asked one at a time: the list in order, or a
 * pool's peers (waiting for one to join when it has none yet).
 *
 * @param source - a peer, several, or a pool
 * @param checkpoint - height and hash of the block
 * @param options - time allowed per peer
 * @returns the raw header
 * @throws ChainError `checkpoint-unavailable` when no peer gave it
 */
export async function fetchHeader(
  source: Peer | readonly Peer[] | PeerSet,
  checkpoint: Checkpoint,
  options: FetchHeaderOptions = {},
): Promise<Uint8Array> {
  const timeoutMs = options.timeoutMs ?? FETCH_HEADER_TIMEOUT_MS;
  const hash = hashFromHex(checkpoint.hash);
  const tried = new Set<Peer>();
  const reasons: string[] = [];
  for (;;) {
    const peer = await nextPeer(source, tried, timeoutMs);
    if (!peer) break;
    tried.add(peer);
    const answer = await ask(peer, hash, timeoutMs);
    if (answer instanceof Uint8Array) return answer;
    reasons.push(answer);
  }
  const why = reasons.length > 0 ? reasons.join('; ') : 'no peer to ask';
  throw new ChainError(
    ChainErrorCode.CheckpointUnavailable,
    `no peer gave the checkpoint's header (${why})`,
    checkpoint.height,
    checkpoint.hash,
  );
}

/** One peer's answer: the header, or why not. */
async function ask(peer: Peer, hash: Uint8Array, timeoutMs: number): Promise<Uint8Array | string> {
  try {
    const negotiated = await peer.handshake;
    const reply = firstValueFrom(
      race(
        peer.on('headers').pipe(
          take(1),
          map((m) => m.headers),
        ),
        timer(timeoutMs).pipe(map(() => undefined)),
        defer(() => peer.closed).pipe(map(() => undefined)),
      ),
      { defaultValue: undefined },
    );
    await peer.send({ command: 'getheaders', version: negotiated.protocolVersion, locator: [], stopHash: hash });
    const headers = await reply;
    if (headers === undefined) return `${label(peer)} did not answer`;
    if (headers.length === 0) return `${label(peer)} does not know the block`;
    const raw = rawOf(headers[0]!);
    const got = sha256d(raw);
    if (headers.length !== 1 || !got.every((b, i) => b === hash[i])) {
      const error = new ChainError(
        ChainErrorCode.CheckpointMismatch,
        `asked for the checkpoint's header, got ${headers.length} header(s), the first hashing to ${hashToHex(got)}`,
        -1,
        hashToHex(hash),
      );
      peer.disconnect(error.message, error);
      return `${label(peer)} answered with another header`;
    }
    return raw.slice();
  } catch (e) {
    return `${label(peer)}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

const label = (peer: Peer): string => peer.stats().address;

/** The next peer not yet tried: from the list, or from the set (waiting up to `timeoutMs` for one to join). */
async function nextPeer(source: Peer | readonly Peer[] | PeerSet, tried: ReadonlySet<Peer>, timeoutMs: number): Promise<Peer | undefined> {
  if (!isPeerSet(source)) return (Array.isArray(source) ? (source as readonly Peer[]) : [source as Peer]).find((p) => !tried.has(p));
  const now = source.peers().find((m) => !tried.has(m.peer) && m.peer.connected)?.peer;
  if (now) return now;
  return firstValueFrom(
    race(
      source.peers$.pipe(
        filter((e) => e.type === 'added' && !tried.has(e.peer)),
        map((e) => e.peer),
      ),
      timer(timeoutMs).pipe(map(() => undefined)),
    ),
    { defaultValue: undefined },
  );
}
