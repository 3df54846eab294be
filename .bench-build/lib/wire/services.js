/** Service bits advertised in `version` and address messages (u64, so bigint). */
export const ServiceFlag = {
    /** NODE_NETWORK: serves the full block chain. */
    Network: 1n,
    /** NODE_GETUTXO (BIP64). */
    GetUtxo: 2n,
    /** NODE_BLOOM: serves BIP37 bloom-filtered connections (BIP111). */
    Bloom: 4n,
    /** NODE_WITNESS: serves witness data (BIP144). */
    Witness: 8n,
    /** NODE_XTHIN (retired). */
    XThin: 16n,
    /** NODE_COMPACT_FILTERS: serves BIP157 filters. */
    CompactFilters: 64n,
    /** NODE_NETWORK_LIMITED: serves the last 288 blocks (BIP159). */
    NetworkLimited: 1024n,
    /** NODE_P2P_V2: speaks the BIP324 encrypted transport. */
    P2PV2: 2048n,
};
/** Whether `services` includes every bit of `flag`. */
export function hasService(services, flag) {
    return (services & flag) === flag;
}
/** Names of the known service bits set in `services`, plus `0x…` for unknown bits. */
export function serviceNames(services) {
    const names = [];
    let rest = services;
    for (const [name, bit] of Object.entries(ServiceFlag)) {
        if ((services & bit) !== 0n) {
            names.push(name);
            rest &= ~bit;
        }
    }
    if (rest !== 0n)
        names.push(`0x${rest.toString(16)}`);
    return names;
}
