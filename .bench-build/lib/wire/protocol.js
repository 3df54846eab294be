/**
 * Protocol versions at which features appeared, with the names btcd's
 * `wire` package uses.
 */
export const ProtocolVersion = {
    /** Multiple addresses per `addr`, and the minimum version accepted from a peer. */
    MultipleAddress: 209,
    /** Timestamps in `addr` entries. */
    NetAddressTime: 31402,
    /** BIP31: `ping` carries a nonce and `pong` exists. */
    Bip31: 60000,
    /** BIP35: `mempool`. */
    Bip35: 60002,
    /** BIP37: bloom filters and the `relay` flag in `version`. */
    Bip37: 70001,
    /** `reject`. */
    Reject: 70002,
    /** BIP111: NODE_BLOOM must be advertised for bloom commands. */
    Bip111: 70011,
    /** BIP130: `sendheaders`. */
    SendHeaders: 70012,
    /** BIP133: `feefilter`. */
    FeeFilter: 70013,
    /** BIP152: compact blocks. */
    ShortIds: 70014,
    /** Invalid compact blocks no longer ban. */
    InvalidCbNoBan: 70015,
    /** BIP155 `addrv2` / `sendaddrv2` and BIP339 `wtxidrelay`. */
    AddrV2: 70016,
};
/** The highest protocol version rxbtc speaks (btcd's AddrV2Version). */
export const PROTOCOL_VERSION = ProtocolVersion.AddrV2;
/** The lowest protocol version rxbtc accepts from a remote peer. */
export const MIN_PROTOCOL_VERSION = ProtocolVersion.MultipleAddress;
