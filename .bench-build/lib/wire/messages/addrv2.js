import { ProtocolErrorCode } from '../errors.js';
import { checkLimit } from '../writer.js';
import { MAX_ADDR_PER_MESSAGE } from './addr.js';
/** BIP155 network identifiers. */
export const AddrV2Network = {
    /** IPv4, 4 bytes. */
    IPv4: 1,
    /** IPv6, 16 bytes. */
    IPv6: 2,
    /** Tor v2 onion, 10 bytes (retired). */
    TorV2: 3,
    /** Tor v3 onion, 32 bytes. */
    TorV3: 4,
    /** I2P, 32 bytes. */
    I2P: 5,
    /** CJDNS, 16 bytes. */
    CJDNS: 6,
};
/** Address length each known BIP155 network requires. */
export const ADDRV2_ADDRESS_LENGTHS = { 1: 4, 2: 16, 3: 10, 4: 32, 5: 32, 6: 16 };
/** Longest address field accepted (BIP155). */
export const MAX_ADDRV2_ADDRESS_SIZE = 512;
/** Decode an `addrv2` payload; a known network with the wrong address length is malformed. */
export function decodeAddrV2(r) {
    const n = r.count(MAX_ADDR_PER_MESSAGE, 4 + 1 + 1 + 1 + 2, 'address');
    const addresses = new Array(n);
    for (let i = 0; i < n; i++) {
        const timestamp = r.u32le();
        const services = r.varBigInt();
        const network = r.u8();
        const address = r.varBytes(MAX_ADDRV2_ADDRESS_SIZE, 'address');
        const want = ADDRV2_ADDRESS_LENGTHS[network];
        if (want !== undefined && want !== address.length) {
            r.fail(`network ${network} address must be ${want} bytes, got ${address.length}`, ProtocolErrorCode.Malformed);
        }
        addresses[i] = { timestamp, services, network, address, port: r.u16be() };
    }
    return { command: 'addrv2', addresses };
}
/** Encode an `addrv2` payload. */
export function encodeAddrV2(w, m) {
    checkLimit(m.addresses.length, MAX_ADDR_PER_MESSAGE, 'addrv2');
    w.varint(m.addresses.length);
    for (const a of m.addresses) {
        checkLimit(a.address.length, MAX_ADDRV2_ADDRESS_SIZE, 'addrv2 address');
        w.u32le(a.timestamp).varBigInt(a.services).u8(a.network).varBytes(a.address).u16be(a.port);
    }
}
