/**
 * rxbtc in one minute: starts a bcoin regtest full node in memory on
 * 127.0.0.1 (no configuration, no network), mines a few hundred blocks,
 * connects an rxbtc peer to it, shows the handshake and ping latency, syncs
 * and verifies every header and block with progress bars, then prints new
 * blocks and transactions live as the node mines and transacts. Stops after
 * `--seconds` (default 12) or on Ctrl-C.
 *
 *   npm run demo [-- --seconds 20 --blocks 500]
 */
import { parseArgs } from 'node:util';
import { filter, firstValueFrom, timeout } from 'rxjs';
import {
  InvType,
  blockHash,
  bytesEqual,
  connectTcp,
  createPeer,
  hashFromHex,
  hashToHex,
  merkleRoot,
  networks,
  serviceNames,
  shortHash as short,
  txid,
  type BlockHeader,
  type Peer,
} from '../lib/index.js';
import { ProgressBar } from './progress.js';
import { startRegtestNode, type RegtestNode } from './regtest-node.js';

const network = networks.regtest;
const zero = new Uint8Array(32);
const started = Date.now();
const say = (line: string): void => console.log(`${((Date.now() - started) / 1000).toFixed(2).padStart(6)}s  ${line}`);

/** Sync every header from genesis, 2,000 per request, checking that each links to the one before. */
async function syncHeaders(peer: Peer, tipHeight: number): Promise<BlockHeader[]> {
  const chain: BlockHeader[] = [];
  const bar = new ProgressBar('headers', tipHeight);
  let tip = hashFromHex(network.genesisHash);
  bar.update(0);
  while (chain.length < tipHeight) {
    const reply = firstValueFrom(peer.on('headers').pipe(timeout(10_000)));
    await peer.pushGetHeaders([tip], zero);
    const { headers } = await reply;
    if (headers.length === 0) break;
    for (const h of headers) {
      if (!bytesEqual(h.prevBlock, tip)) throw new Error(`header ${chain.length + 1} does not link to its parent`);
      tip = blockHash(h);
      chain.push(h);
    }
    bar.update(chain.length);
  }
  return chain;
}

/** Download every block, 100 per getdata, checking its hash and merkle root against the synced header. */
async function syncBlocks(peer: Peer, headers: BlockHeader[]): Promise<number> {
  const bar = new ProgressBar('blocks', headers.length);
  let transactions = 0;
  for (let start = 0; start < headers.length; start += 100) {
    const batch = headers.slice(start, start + 100).map(blockHash);
    const blocks = firstValueFrom(
      peer.on('block').pipe(
        filter(() => ++received === batch.length),
        timeout(10_000),
      ),
    );
    let received = 0;
    const seen: Uint8Array[] = [];
    const check = peer.on('block').subscribe(({ block }) => {
      const hash = blockHash(block.header);
      if (!bytesEqual(merkleRoot(block.transactions.map(txid)), block.header.merkleRoot))
        throw new Error(`bad merkle root in ${hashToHex(hash)}`);
      seen.push(hash);
      transactions += block.transactions.length;
      bar.update(start + seen.length);
    });
    await peer.send({ command: 'getdata', items: batch.map((hash) => ({ type: InvType.WitnessBlock, hash })) });
    await blocks;
    check.unsubscribe();
    batch.forEach((hash, i) => {
      if (!seen[i] || !bytesEqual(seen[i], hash)) throw new Error(`block ${start + i + 1} is not the one its header announced`);
    });
  }
  return transactions;
}

/** Keep the node busy for `ms`: a block every 2 s, a transaction every 700 ms. */
function keepMining(regtest: RegtestNode, ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const blocks = setInterval(() => void regtest.mine(1).catch(() => undefined), 2_000);
    const txs = setInterval(() => void regtest.sendTransaction().catch(() => undefined), 700);
    const end = (): void => {
      clearInterval(blocks);
      clearInterval(txs);
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(end, ms);
    stop.addEventListener('abort', end, { once: true });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '12' }, blocks: { type: 'string', default: '300' } } });
  const seconds = Number(values.seconds);
  const blocks = Number(values.blocks);
  if (!(seconds > 0) || !(blocks >= 101)) throw new RangeError('--seconds must be positive and --blocks at least 101');
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());

  say(`starting a bcoin regtest full node in memory on 127.0.0.1 and mining ${blocks} blocks…`);
  const regtest = await startRegtestNode({ blocks });
  say(`node listening on 127.0.0.1:${regtest.port}, height ${regtest.height}`);

  const peer = createPeer(await connectTcp({ host: '127.0.0.1', port: regtest.port }), { network, pingInterval: 1_000 });
  try {
    const { remote, protocolVersion } = await peer.handshake;
    say(`handshake done: version ${protocolVersion} (ours 70016, theirs ${remote.version}), user agent ${remote.userAgent}`);
    say(`  services ${serviceNames(remote.services).join(', ') || 'none'}, start height ${remote.startHeight}, relay ${remote.relay}`);
    const { lastPingMicros } = await firstValueFrom(
      peer.stats$.pipe(
        filter((s) => s.lastPingMicros > 0),
        timeout(5_000),
      ),
    );
    say(`  ping latency ${(lastPingMicros / 1000).toFixed(2)} ms`);

    say('syncing headers and blocks:');
    const headers = await syncHeaders(peer, remote.startHeight);
    const transactions = await syncBlocks(peer, headers);
    say(`verified ${headers.length} headers and ${headers.length} blocks (${transactions} transactions, every merkle root checked)`);

    // Live: ask for headers announcements (BIP130), fetch announced transactions.
    const heights = new Map(headers.map((h, i) => [hashToHex(blockHash(h)), i + 1]));
    await peer.send({ command: 'sendheaders' });
    peer.on('headers').subscribe(({ headers: announced }) => {
      for (const h of announced) {
        const height = (heights.get(hashToHex(h.prevBlock)) ?? 0) + 1;
        heights.set(hashToHex(blockHash(h)), height);
        say(`block  ${short(blockHash(h))}  height ${height} announced by headers`);
      }
      peer.queue({ command: 'getdata', items: announced.map((h) => ({ type: InvType.WitnessBlock, hash: blockHash(h) })) });
    });
    peer.on('block').subscribe(({ block }) => {
      const hash = blockHash(block.header);
      const ok = bytesEqual(merkleRoot(block.transactions.map(txid)), block.header.merkleRoot) ? 'merkle root ok' : 'BAD MERKLE ROOT';
      say(`block  ${short(hash)}  fetched: ${block.transactions.length} transactions, ${ok}`);
    });
    peer.on('inv').subscribe(({ items }) => {
      const txs = items.filter((i) => i.type === InvType.Tx);
      for (const i of txs) say(`tx     ${short(i.hash)}  announced by inv`);
      if (txs.length) peer.queue({ command: 'getdata', items: txs.map((i) => ({ type: InvType.WitnessTx, hash: i.hash })) });
    });
    peer.on('tx').subscribe(({ tx }) => {
      const value = tx.outputs.reduce((sum, o) => sum + o.value, 0n);
      say(`tx     ${short(txid(tx))}  fetched: ${tx.inputs.length} in, ${tx.outputs.length} out, ${Number(value) / 1e8} BTC`);
    });
    peer.on('notfound').subscribe(({ items }) => {
      for (const i of items) say(`tx     ${short(i.hash)}  notfound: already mined, no longer in the mempool`);
    });
    say(`watching the node mine and transact for ${seconds} s (Ctrl-C to stop)…`);
    await keepMining(regtest, seconds * 1000, stop.signal);

    const s = peer.stats();
    say(`done: ${s.bytesReceived} bytes received, ${s.bytesSent} sent, last ping ${(s.lastPingMicros / 1000).toFixed(2)} ms`);
  } finally {
    peer.disconnect('demo finished');
    await peer.closed;
    await regtest.close();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
