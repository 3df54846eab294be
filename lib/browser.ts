/**
 * rxbtc for browsers (the package's `browser` export): the codec, the
 * stream operators, BIP324, peers over any {@link Connection} (WebSocket,
 * memory pair; `peer$` takes a WebSocket `url`), the header chain with a
 * memory store, and the SPV tools — nothing that needs TCP, files or DNS
 * (`connectTcp`, `listenTcp`, `connectPeer`, the file header store, the pool and the bridge are
 * Node only). SHA-256 and ChaCha20 take their `node:crypto` fast paths only
 * where Node offers them at run time.
 */
export * from './wire/index.js';
export * from './stream/index.js';
export * from './transport/connection.js';
export * from './transport/memory-pair.js';
export * from './transport/connect-websocket.js';
export * from './v2/index.js';
export * from './peer/errors.js';
export * from './peer/constants.js';
export * from './peer/config.js';
export * from './peer/mru-set.js';
export * from './peer/known-inventory.js';
export * from './peer/nonce.js';
export * from './peer/user-agent.js';
export * from './peer/handshake.js';
export * from './peer/keep-alive.js';
export * from './peer/detect-stalls.js';
export * from './peer/filter-known-inventory.js';
export * from './peer/trickle-inventory.js';
export * from './peer/gate-messages.js';
export * from './peer/outbound-queue.js';
export * from './peer/stats.js';
export * from './peer/select-addresses.js';
export * from './peer/version-message.js';
export * from './peer/peer.js';
export * from './peer/peer-api.js';
export * from './peer/open-peer.js';
export * from './peer/connect-websocket-peer.js';
export * from './peer/peer-resource.js';
export * from './peer/websocket-peer-observable.js';
export * from './storage/store-error.js';
export * from './storage/indexed-db.js';
export * from './storage/indexed-db-records.js';
export * from './chain/errors.js';
export * from './chain/compact.js';
export * from './chain/params.js';
export type { ChainEntry } from './chain/chain-entry.js';
export { MAX_FUTURE_BLOCK_TIME, MAX_TIMEWARP, MEDIAN_TIME_SPAN } from './chain/rules.js';
export * from './chain/header-store.js';
export * from './chain/header-chain.js';
export * from './chain/indexed-db-header-store.js';
export * from './wallet/index.js';
export * from './spv/index.js';
