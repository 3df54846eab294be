/**
 * A header server for the state bench, in its own process so the syncing
 * process is measured alone: it serves the first `height` headers of a
 * synthetic chain file (see synthetic-chain.ts) to any rxbtc or other peer
 * over loopback, and tells the bench when each connection sent its first
 * `getheaders`. Its own memory does not matter: it keeps the file and a
 * hash → height map.
 *
 * argv: FILE HEIGHT. IPC: sends `{ type: 'ready', port }`, then
 * `{ type: 'getheaders', at }` (Date.now() ms) for each connection's first;
 * accepts `{ type: 'height', height }` to serve more.
 */
import { readFileSync } from 'node:fs';
import {
  ByteReader,
  MruSet,
  createPeer,
  hashFromHex,
  listenTcp,
  networks,
  readBlockHeader,
  sha256dKey,
  type BlockHeader,
} from '../../lib/index.js';

/** Messages to the bench. */
export type FromHeaderServer = { type: 'ready'; port: number } | { type: 'getheaders'; at: number };
/** Messages from the bench. */
export interface ToHeaderServer {
  type: 'height';
  height: number;
}

const [file, heightArg] = process.argv.slice(2);
const bytes = readFileSync(file!);
const total = bytes.length / 80;
let height = Math.min(total, Number(heightArg));
const network = networks.regtest;
const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

// hash(h) is the previous-block field of record h + 1; only the last header is hashed.
const heightOf = new Map<string, number>([[latin1(hashFromHex(network.genesisHash)), 0]]);
for (let h = 1; h < total; h++) heightOf.set(bytes.toString('latin1', h * 80 + 4, h * 80 + 36), h);
heightOf.set(sha256dKey(bytes.subarray((total - 1) * 80)), total);

const headersFrom = (start: number, n: number): BlockHeader[] => {
  const out: BlockHeader[] = [];
  for (let h = start; h < start + n && h <= height; h++) out.push(readBlockHeader(new ByteReader(bytes.subarray((h - 1) * 80, h * 80))));
  return out;
};

const send = (m: FromHeaderServer): void => void process.send?.(m);
const listener = await listenTcp({ host: '127.0.0.1', port: 0 });
listener.connections$.subscribe((c) => {
  const peer = createPeer(c, {
    network,
    inbound: true,
    sentNonces: new MruSet<bigint>(50),
    newestBlock: () => ({ hash: new Uint8Array(32), height }),
    userAgent: { name: 'state-bench', version: '1.0' },
  });
  peer.handshake.catch(() => undefined);
  let first = true;
  peer.on('getheaders').subscribe((m) => {
    if (first) send({ type: 'getheaders', at: Date.now() });
    first = false;
    let start = 1;
    for (const hash of m.locator) {
      const h = heightOf.get(latin1(hash));
      if (h !== undefined && h <= height) {
        start = h + 1;
        break;
      }
    }
    peer.queue({ command: 'headers', headers: headersFrom(start, 2000) });
  });
});
process.on('message', (m: ToHeaderServer) => {
  height = Math.min(total, m.height);
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', port: listener.port });
