import { createRequire } from 'node:module';
import type { Codec } from './codec.js';
import { WORKLOADS } from './workloads.js';

const require = createRequire(import.meta.url);

interface BcoinBlock {
  refresh(all?: boolean): void;
  toRaw(): Buffer;
}
interface BcoinPacket {
  cmd: string;
  witness?: boolean;
  toRaw(): Buffer;
  block?: BcoinBlock & { toBlock?: () => BcoinBlock };
  tx?: { refresh(): void };
}
interface BcoinParser {
  feed(data: Buffer): void;
  on(event: 'packet', fn: (p: BcoinPacket) => void): void;
  on(event: 'error', fn: (e: Error) => void): void;
}
interface BcoinFramer {
  packet(cmd: string, payload: Buffer): Buffer;
}
interface BcoinModules {
  Parser: new (network: string) => BcoinParser;
  Framer: new (network: string) => BcoinFramer;
  BlockPacket: new (block: BcoinBlock, witness: boolean) => BcoinPacket;
}

/**
 * Load a private copy of bcoin's net modules. bcrypto picks its SHA-256
 * backend when `bcrypto/lib/hash256` is first required, so the module
 * cache for bcoin and bcrypto is cleared first: with `nodeCrypto` the hash
 * module is loaded with NODE_BACKEND unset (node:crypto), then everything
 * else with NODE_BACKEND=js (the only way bcoin loads on Node 20).
 */
function load(nodeCrypto: boolean): BcoinModules {
  for (const key of Object.keys(require.cache)) {
    if (/[\\/]node_modules[\\/](bcoin|bcrypto)[\\/]/.test(key)) Reflect.deleteProperty(require.cache, key);
  }
  if (nodeCrypto) {
    delete process.env['NODE_BACKEND'];
    require('bcrypto/lib/hash256');
  }
  process.env['NODE_BACKEND'] = 'js';
  const packets = require('bcoin/lib/net/packets') as { BlockPacket: BcoinModules['BlockPacket'] };
  return {
    Parser: require('bcoin/lib/net/parser') as BcoinModules['Parser'],
    Framer: require('bcoin/lib/net/framer') as BcoinModules['Framer'],
    BlockPacket: packets.BlockPacket,
  };
}

function parseAll(mods: BcoinModules, chunks: Buffer[], onPacket: (p: BcoinPacket) => void): void {
  const parser = new mods.Parser('main');
  parser.on('packet', onPacket);
  parser.on('error', (e) => {
    throw e;
  });
  for (const c of chunks) parser.feed(c);
}

/**
 * bcoin 1.0.2. `shipped`: its parser as it ships under NODE_BACKEND=js
 * (pure-JS SHA-256, blocks left lazy as MemBlocks). Otherwise: node:crypto
 * hashing and every block parsed with `toBlock()`, as bcoin's pool does.
 */
export function bcoin(shipped: boolean): Codec {
  const mods = load(!shipped);
  const full = (p: BcoinPacket): BcoinPacket => (!shipped && p.block?.toBlock ? new mods.BlockPacket(p.block.toBlock(), true) : p);
  // Block packets re-encode with their witnesses, like everyone else's.
  const withWitness = (p: BcoinPacket): BcoinPacket => {
    if (p.block || p.tx) p.witness = true;
    return p;
  };
  return {
    name: shipped ? 'bcoin (shipped: lazy block, js sha256)' : 'bcoin (node:crypto, full block)',
    decodes: WORKLOADS,
    encodes: WORKLOADS,
    decoder: (stream) => () => {
      let n = 0;
      parseAll(mods, stream.chunks, (p) => {
        full(p);
        n++;
      });
      return n;
    },
    encoder: (stream) => {
      const packets: BcoinPacket[] = [];
      parseAll(mods, stream.chunks, (p) => packets.push(withWitness(full(p))));
      const framer = new mods.Framer('main');
      return () => {
        let bytes = 0;
        for (const p of packets) {
          p.block?.refresh(true); // drop cached serializations, so the encoder really encodes
          p.tx?.refresh();
          bytes += framer.packet(p.cmd, p.toRaw()).length;
        }
        return bytes;
      };
    },
  };
}
