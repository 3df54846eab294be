import { join } from 'node:path';
import { filter, firstValueFrom, lastValueFrom } from 'rxjs';
import {
  ChainError,
  MruSet,
  startCheckpoints,
  createHeaderChain,
  createPeer,
  decodeBits,
  fetchHeader,
  fileHeaderStore,
  hashToHex,
  memoryPair,
  networks,
  openHeaderChain,
  serveHeaders,
  sha256d,
  syncHeaders,
  workOfTarget,
  type BlockHeader,
  type HeaderChain,
  type Peer,
} from '../../lib/index.js';
import { MAINNET_FIRST, mainnetHeaders, mainnetRaw } from '../helpers/mainnet-headers.js';
import { rejection } from '../helpers/chain-error.js';
import { useTempDir } from '../helpers/temp-dir.js';

/* Starting a chain at a checkpoint, rxbtc against rxbtc on mainnet's real headers 822,528–830,592 (testdata). */
const network = networks.mainnet;
const tmp = useTempDir('rxbtc-start-');
const FIRST = MAINNET_FIRST;
const raw = mainnetRaw;
const headers = mainnetHeaders;
const now = (): number => headers[headers.length - 1]!.timestamp + 86_400;
const table = startCheckpoints(network).find((c) => c.height === 830_591)!;

let served: HeaderChain;
beforeAll(async () => {
  served = createHeaderChain({ network, checkpoint: { height: FIRST, header: headers[0]! }, now });
  for (let i = 1; i < headers.length; i += 2000) await served.add(headers.slice(i, i + 2000));
});

const opened: Peer[] = [];
afterEach(() => {
  for (const p of opened.splice(0)) p.disconnect('test over');
});

/** A client peer, and a server peer that serves `served` (or answers getheaders with `answer`). */
function server(answer?: () => BlockHeader[]): Peer {
  const [a, b] = memoryPair();
  const remote = createPeer(b, { network, inbound: true, sentNonces: new MruSet(50) });
  if (answer) remote.on('getheaders').subscribe(() => remote.queue({ command: 'headers', headers: answer() }));
  else serveHeaders(remote, served);
  const client = createPeer(a, { network, sentNonces: new MruSet(50) });
  opened.push(client, remote);
  return client;
}

describe('openHeaderChain and fetchHeader', () => {
  it('a birthday of 835,000 starts at the period end 830,591 with its known work, and the minimum-work rule still bites', async () => {
    const peer = server();
    let received = 0;
    peer.on('headers').subscribe((m) => (received += m.headers.length));
    const chain = await openHeaderChain({ network, start: { birthday: 835_000 }, source: peer, now });
    expect([chain.root.height, chain.root.hashHex, chain.root.chainWork]).toEqual([830_591, table.hash, table.chainWork]);
    // The peer's chain ends at 830,592: one header above the checkpoint, and far below Core's minimum chain work.
    const error = await lastValueFrom(syncHeaders(peer, chain)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChainError);
    expect((error as ChainError).code).toBe('low-work');
    expect(chain.height).toBe(830_592);
    expect(chain.tip.chainWork).toBe(table.chainWork! + workOfTarget(decodeBits(headers[headers.length - 1]!.bits).target));
    expect(received).toBe(2); // the checkpoint's header, then the one above it
  });

  it('a start of unknown work (a hash only) syncs to the peer’s tip without the minimum-work rule', async () => {
    const peer = server();
    const start = { height: 826_559, hash: hashToHex(sha256d(raw.subarray((826_559 - FIRST) * 80, (826_560 - FIRST) * 80))) };
    const chain = await openHeaderChain({ network, start, source: peer, now });
    const synced = await firstValueFrom(syncHeaders(peer, chain).pipe(filter((p) => p.synced)));
    expect([synced.height, chain.root.height, chain.meetsMinimumWork]).toEqual([830_592, 826_559, true]);
    peer.disconnect();
  });

  it('a peer answering with another header is disconnected with checkpoint-mismatch; the next peer gives it', async () => {
    const liar = server(() => [headers[5]!]);
    const unaware = server(() => []);
    const honest = server();
    const header = await fetchHeader([liar, unaware, honest], table);
    expect(hashToHex(sha256d(header))).toBe(table.hash);
    const gone = await liar.closed;
    expect(gone.error).toBeInstanceOf(ChainError);
    expect((gone.error as ChainError).code).toBe('checkpoint-mismatch');
    expect(unaware.connected).toBe(true); // not knowing the block is no offence
  });

  it('no peer gives it: a checkpoint-unavailable ChainError that says why for each', async () => {
    const e = await rejection(fetchHeader([server(() => []), server(() => [headers[1]!, headers[2]!])], table));
    expect([e.code, e.height, e.hash]).toEqual(['checkpoint-unavailable', 830_591, table.hash]);
    expect(e.message).toMatch(/does not know the block; .* answered with another header/);
  });

  it('a stored chain goes on from its own root (read back, not fetched) with the root’s work, and refuses a start below it', async () => {
    const path = join(tmp, 'headers.dat');
    const first = await openHeaderChain({ network, store: fileHeaderStore(path), start: { birthday: 835_000 }, source: server(), now });
    await first.add([headers[headers.length - 1]!]);
    await first.close();
    const again = await openHeaderChain({ network, store: fileHeaderStore(path), start: { birthday: 835_000 }, now }); // no peers needed
    expect([again.root.height, again.root.chainWork, again.height]).toEqual([830_591, table.chainWork, 830_592]);
    await again.close();
    const store = fileHeaderStore(path);
    await expect(openHeaderChain({ network, store, start: { birthday: 820_000 }, now })).rejects.toThrow(
      /starts at height 830591; a chain from 814463 needs another store/,
    );
    await store.close();
  });

  it('a new chain at a checkpoint needs peers; genesis does not', async () => {
    await expect(openHeaderChain({ network, start: table })).rejects.toThrow(RangeError);
    expect((await openHeaderChain({ network })).root.height).toBe(0);
    expect((await openHeaderChain({ network: networks.regtest, start: { birthday: 500 } })).root.height).toBe(0); // no regtest checkpoints
  });
});
