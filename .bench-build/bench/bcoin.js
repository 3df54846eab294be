import { createRequire } from 'node:module';
/**
 * bcoin 1.0.2's parser and framer, loaded at run time (it ships no types).
 * NODE_BACKEND=js is required for it to load on Node 20 (DESIGN.md), which
 * also means its hashing is pure JavaScript.
 */
process.env['NODE_BACKEND'] = 'js';
const require = createRequire(import.meta.url);
const Parser = require('bcoin/lib/net/parser');
const Framer = require('bcoin/lib/net/framer');
/** A bcoin parser for mainnet that counts packets and fails loudly. */
export function bcoinParser(onPacket) {
    const parser = new Parser('main');
    parser.on('packet', onPacket);
    parser.on('error', (e) => {
        throw e;
    });
    return parser;
}
/** A bcoin framer for mainnet. */
export function bcoinFramer() {
    return new Framer('main');
}
/** Re-serialize a packet the way a bcoin peer sends it, with raw caches dropped first. */
export function bcoinEncode(framer, p) {
    p.block?.refresh(true);
    p.tx?.refresh();
    return framer.packet(p.cmd, p.toRaw());
}
