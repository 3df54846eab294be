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
import { filter, firstValueFrom, share, skip, timeout } from 'rxjs';
import {
  InvType,
  blockHash,
  bytesEqual,
  connectPeer,
  createHeaderChain,
  hashToHex,
  merkleRoot,
  networks,
  serviceNames,
  shortHash as short,
  syncHeaders,
  txid,
  type BlockHeader,
  type HeaderChain,
  type Peer,
} from '../lib/index.js';
import { ProgressBar } from '../lib/cli/progress-bar.js';
import { startRegtestNode, type RegtestNode } from './regtest-node.js';

const network = networks.regtest;
const started = Date.now();
const say = (line: string): void => console.log(`${((Date.now() - started) / 1000).toFixed(2).padStart(6)}s  ${line}`);

/**
 * Sync and verify every header from genesis into a HeaderChain (proof of
 * work, difficulty, timestamps, links), following the node's tip live.
 * Resolves with the best chain's headers once caught up.
 */
async function syncChain(peer: Peer, chain: HeaderChain, tipHeight: number): Promise<BlockHeader[]> {
  const bar = new ProgressBar('headers', tipHeight);
  bar.update(0);
  const progress$ = syncHeaders(peer, chain).pipe(share());
  progress$.subscribe({ error: (e: unknown) => say(`header sync stopped: ${String(e)}`) });
  await firstValueFrom(
    progress$.pipe(
      filter((p) => {
        bar.update(p.height);
        return p.synced;
      }),
      timeout(30_000),
    ),
  );
  return Array.from({ length: chain.height }, (_, i) => chain.header(i + 1)!.header);
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

  // transport 'auto': BIP324 v2 first, v1 once if the node does not speak it (bcoin 1.0.2 does not).
  const peer = await connectPeer({ host: '127.0.0.1', port: regtest.port, network, pingInterval: 1_000 });
  try {
    const { remote, protocolVersion, transport } = await peer.handshake;
    say(`handshake done: version ${protocolVersion} (ours 70016, theirs ${remote.version}), user agent ${remote.userAgent}`);
    say(
      transport === 'v2'
        ? `  transport v2 (BIP324 encrypted), session id ${peer.stats().sessionId}`
        : '  transport v1: the node answered our BIP324 key with a v1 version, so rxbtc reconnected with v1 (as Core does)',
    );
    say(`  services ${serviceNames(remote.services).join(', ') || 'none'}, start height ${remote.startHeight}, relay ${remote.relay}`);
    const { lastPingMicros } = await firstValueFrom(
      peer.stats$.pipe(
        filter((s) => s.lastPingMicros > 0),
        timeout(5_000),
      ),
    );
    say(`  ping latency ${(lastPingMicros / 1000).toFixed(2)} ms`);

    say('syncing headers and blocks:');
    const chain = createHeaderChain({ network });
    const headers = await syncChain(peer, chain, remote.startHeight);
    const transactions = await syncBlocks(peer, headers);
    say(`verified ${headers.length} headers and ${headers.length} blocks (${transactions} transactions, every merkle root checked)`);
    say(`  chain tip ${chain.tip.hashHex} at height ${chain.height}, chain work ${chain.tip.chainWork}`);

    // Live: the chain follows headers announcements (BIP130, sent by syncHeaders); fetch each new block and announced transactions.
    chain.tip$.pipe(skip(1)).subscribe((tip) => {
      say(`block  ${short(tip.hash)}  height ${tip.height}: header verified, new tip`);
      peer.queue({ command: 'getdata', items: [{ type: InvType.WitnessBlock, hash: tip.hash }] });
    });
    chain.reorg$.subscribe((r) => say(`reorg  at height ${r.forkHeight}: ${r.disconnected.length} blocks out, ${r.connected.length} in`));
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
