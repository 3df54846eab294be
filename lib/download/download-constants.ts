/**
 * Limits and defaults of the download scheduler ({@link download}). The
 * window, the stall timeout and its doubling are Bitcoin Core's block
 * download rules (net_processing: BLOCK_DOWNLOAD_WINDOW,
 * BLOCK_STALLING_TIMEOUT_DEFAULT / _MAX, MAX_BLOCKS_IN_TRANSIT_PER_PEER).
 */

/** Items handed out at most ahead of the first one not yet emitted (Core's BLOCK_DOWNLOAD_WINDOW). */
export const DOWNLOAD_WINDOW = 1024;
/** Items one worker may hold in flight at most (Core's MAX_BLOCKS_IN_TRANSIT_PER_PEER is 16 for blocks). */
export const MAX_IN_FLIGHT = 1024;
/**
 * Requests one worker holds out at most: a peer's send queue and its
 * server's request queue stay short (Core answers a peer's requests one
 * at a time; rxbtc's peer refuses messages beyond 50 queued).
 */
export const MAX_REQUESTS = 8;
/** Items in one request at most (BIP157's `getcfilters` allows 1,000). */
export const MAX_BATCH = 1000;
/**
 * How long a worker may hold up the window, or stay silent with requests
 * outstanding, before it is dismissed, ms (Core's BLOCK_STALLING_TIMEOUT_DEFAULT).
 */
export const STALL_TIMEOUT = 2000;
/** The stall timeout doubles after each stall, up to this, ms (Core's BLOCK_STALLING_TIMEOUT_MAX). */
export const MAX_STALL_TIMEOUT = 64_000;
/** After an item arrives in order, the stall timeout shrinks by this factor towards {@link STALL_TIMEOUT} (as Core's does). */
export const STALL_TIMEOUT_DECAY = 0.85;
/**
 * The duration of transfer one request is sized for, ms: a slow worker gets
 * a few items per request, a fast one many. Beside it, a worker holds in
 * flight what it delivers in one round trip, so its link never idles
 * between requests.
 */
export const BATCH_DURATION = 500;
/** Rate assumed for a worker before it delivered anything, bytes/s: its first requests are small. */
export const INITIAL_RATE = 256 * 1024;
/** Round trip assumed before one was measured (and without a hint), ms. */
export const INITIAL_ROUND_TRIP = 500;
/** Size assumed for an item before one arrived, bytes. */
export const INITIAL_ITEM_BYTES = 16 * 1024;
/**
 * A request times out after this many times its expected duration (round
 * trip plus its bytes at the worker's measured rate, behind what it already
 * holds) plus the stall timeout; its items go to other workers.
 */
export const REQUEST_TIMEOUT_FACTOR = 3;
/** Requests in a row that time out before their worker is dismissed. */
export const MAX_TIMEOUTS = 2;
/** How often stalls and timeouts are checked while requests are in flight, ms. */
export const CHECK_INTERVAL = 250;
