/** Time allowed for the whole version/verack exchange (btcd negotiateTimeout), ms. */
export const NEGOTIATE_TIMEOUT = 30_000;
/** Interval between pings (btcd pingInterval), ms. */
export const PING_INTERVAL = 120_000;
/** Disconnect after receiving nothing for this long (btcd idleTimeout), ms. */
export const IDLE_TIMEOUT = 300_000;
/** How often pending replies are checked (btcd stallTickInterval), ms. */
export const STALL_TICK_INTERVAL = 15_000;
/** Time a request's reply may take (btcd stallResponseTimeout), ms. */
export const STALL_RESPONSE_TIMEOUT = 30_000;
/** Interval between inventory trickles (btcd DefaultTrickleInterval), ms. */
export const TRICKLE_INTERVAL = 10_000;
/** Most items per trickled `inv` (btcd maxInvTrickleSize). */
export const MAX_INV_TRICKLE_SIZE = 1000;
/** Inventory remembered per peer (btcd maxKnownInventory). */
export const MAX_KNOWN_INVENTORY = 1000;
/** Addresses remembered per peer (btcd maxKnownAddrsPerPeer). */
export const MAX_KNOWN_ADDRESSES = 10_000;
/** Messages the outbound queue holds (btcd outputBufferSize). */
export const OUTPUT_QUEUE_SIZE = 50;
/** Version nonces remembered for self-connection detection (btcd sentNonces). */
export const SENT_NONCES_SIZE = 50;
/** Inventory items waiting for the next trickle; more are dropped (not in btcd, whose queue is unbounded). */
export const MAX_QUEUED_INVENTORY = 50_000;
/** Interval between `stats$` snapshots, ms. */
export const STATS_INTERVAL = 1000;
