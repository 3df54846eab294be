import { randomBytes } from 'node:crypto';
import { filter, firstValueFrom, share, take, timeout, toArray } from 'rxjs';
import {
  MruSet,
  ServiceFlag,
  connectTcp,
  createHeaderChain,
  createPeer,
  createPool,
  watch,
  hashToHex,
  hasService,
  networks,
  syncHeaders,
  watchBip37,
  type HeaderChain,
  type Peer,
  type WalletEvent,
} from '../../lib/index.js';
import { eventually } from '../helpers/loopback.js';
import { useRegtestNode } from '../helpers/regtest.js';

/** Wallet watching with BIP37 against a real bcoin 1.0.2 regtest node, which pays the watched scripts from its coinbases. */
const network = networks.regtest;
const within = 20_000;
const p2wpkh = Uint8Array.from([0x00, 0x14, ...randomBytes(20)]);
const p2pkh = Uint8Array.from([0x76, 0xa9, 0x14, ...randomBytes(20), 0x88, 0xac]);
const stranger = Uint8Array.from([0x00, 0x14, ...randomBytes(20)]);

async function follower(port: number): Promise<{ peer: Peer; chain: HeaderChain }> {
  const peer = createPeer(await connectTcp({ host: '127.0.0.1', port, timeout: within }), { network, sentNonces: new MruSet(50) });
  const chain = createHeaderChain({ network });
  syncHeaders(peer, chain).subscribe({ error: () => undefined });
  return { peer, chain };
}

describe('watchBip37 against bcoin', () => {
  const node = useRegtestNode({ blocks: 110 });

  it('reports a payment to a watched P2WPKH and P2PKH in the mempool, then confirmed with a verified merkle proof; nothing else', async () => {
    const { peer, chain } = await follower(node().port);
    const { remote } = await peer.handshake;
    expect(hasService(remote.services, ServiceFlag.Bloom)).toBe(true);
    await eventually(() => chain.height === 110, within);
    const scanned: number[] = [];
    const events$ = watchBip37({ chain, source: peer, scripts: [p2wpkh, p2pkh], onScanned: (h) => scanned.push(h) }).pipe(share());
    const all: WalletEvent[] = [];
    events$.subscribe({ next: (e) => all.push(e), error: () => undefined });
    await new Promise((r) => setTimeout(r, 300)); // let the filterload land before the payments
    const paid = hashToHex(
      await node().pay([
        { script: p2wpkh, value: 150_000_000 },
        { script: p2pkh, value: 25_000_000 },
      ]),
    );
    const other = hashToHex(await node().pay([{ script: stranger, value: 1_000_000 }]));
    await eventually(() => all.some((e) => e.status === 'mempool'), within);
    await node().mine(1);
    await eventually(() => all.some((e) => e.status === 'confirmed'), within);
    await eventually(() => scanned.at(-1) === 111, within); // block 111 checked: its proof and every transaction it matched
    expect(scanned).toEqual([111]);
    expect(all.map((e) => [e.txid, e.status])).toEqual([
      [paid, 'mempool'],
      [paid, 'confirmed'],
    ]);
    const confirmed = all[1]!;
    expect(confirmed.height).toBe(111);
    expect(confirmed.blockHash).toBe(hashToHex(await node().blockHash(111)));
    expect(confirmed.proof).toMatchObject({ kind: 'merkleblock', totalTransactions: 3 });
    expect(confirmed.received).toEqual([
      { index: 0, value: 150_000_000n },
      { index: 1, value: 25_000_000n },
    ]);
    expect(all.some((e) => e.txid === other)).toBe(false);
    peer.disconnect();
  });

  it('rescans from a birthday: a new wallet finds the confirmed payment in the past blocks', async () => {
    const { peer, chain } = await follower(node().port);
    await eventually(() => chain.height >= 111, within);
    const found = await firstValueFrom(
      watchBip37({ chain, source: peer, scripts: [p2pkh], from: 105 }).pipe(
        filter((e) => e.status === 'confirmed'),
        take(1),
        toArray(),
        timeout(within),
      ),
    );
    expect(found.map((e) => [e.height, e.received])).toEqual([[111, [{ index: 1, value: 25_000_000n }]]]);
    peer.disconnect();
  });
});

describe('watchBip37 across a reorganisation between two bcoin nodes', () => {
  const a = useRegtestNode({ blocks: 110 });
  const b = useRegtestNode();

  it('a payment confirmed on the branch that loses is reported reorged, with the block it left', async () => {
    // b copies a's 110 blocks and is cut off; a confirms a payment in one block, b mines three without it.
    b().node.startSync();
    const link = b().dial(a().port);
    await eventually(() => b().height === 110, within);
    link.destroy();
    const { peer, chain } = await follower(a().port);
    await eventually(() => chain.height === 110, within);
    const events$ = watchBip37({ chain, source: peer, scripts: [p2wpkh] }).pipe(share());
    const all: WalletEvent[] = [];
    events$.subscribe({ next: (e) => all.push(e), error: () => undefined });
    await new Promise((r) => setTimeout(r, 300)); // let the filterload land before the payment
    const paid = hashToHex(await a().pay([{ script: p2wpkh, value: 70_000_000 }]));
    await eventually(() => all.some((e) => e.status === 'mempool'), within);
    const [block] = await a().mine(1);
    await eventually(() => all.some((e) => e.status === 'confirmed'), within);
    await b().mine(3);
    // The same chain now also follows b, whose branch has more work.
    const fromB = createPeer(await connectTcp({ host: '127.0.0.1', port: b().port, timeout: within }), {
      network,
      sentNonces: new MruSet(50),
    });
    syncHeaders(fromB, chain).subscribe({ error: () => undefined });
    await eventually(() => all.some((e) => e.status === 'reorged'), within);
    expect(chain.tip.hashHex).toBe(hashToHex(await b().blockHash(113)));
    expect(all.filter((e) => e.txid === paid).map((e) => [e.status, e.height, e.blockHash])).toEqual([
      ['mempool', undefined, undefined],
      ['confirmed', 111, hashToHex(block!)],
      ['reorged', 111, hashToHex(block!)],
    ]);
    peer.disconnect();
    fromB.disconnect();
  });
});

describe('watch through a pool against bcoin', () => {
  const node = useRegtestNode({ blocks: 105, host: '127.103.0.1' });

  it('reports payments, keeps watching when its peer is lost, scans what was mined meanwhile, and never repeats an event', async () => {
    const script = Uint8Array.from([0x00, 0x14, ...randomBytes(20)]);
    const pool = createPool({ network, connect: [`127.103.0.1:${node().port}`], outbound: 1, backoff: { base: 200, max: 400 } });
    const chain = createHeaderChain({ network });
    const all: WalletEvent[] = [];
    const scanned: number[] = [];
    const sub = watch({ chain, source: pool, scripts: [script], onScanned: (h) => scanned.push(h) }).subscribe({
      next: (e) => all.push(e),
    });
    try {
      await eventually(() => chain.height === 105, within);
      await new Promise((r) => setTimeout(r, 300)); // let the filterload land
      const first = hashToHex(await node().pay([{ script, value: 10_000_000 }]));
      await node().mine(1);
      await eventually(() => all.some((e) => e.txid === first && e.status === 'confirmed'), within);

      const lost = pool.peers()[0]!.peer;
      lost.disconnect('lost'); // the pool redials after its backoff; the watch starts again with the new peer
      // Paid and mined while no peer watches (the watch waits 1 s before it starts again): the next attempt must go
      // back for the block it missed, not start from the tip it finds.
      const second = hashToHex(await node().pay([{ script, value: 20_000_000 }]));
      await node().mine(1);
      await eventually(() => all.some((e) => e.txid === second && e.status === 'confirmed'), within);
      expect(pool.peers()[0]!.peer).not.toBe(lost);
      await eventually(() => chain.height === 107 && scanned.at(-1) === 107, within);
      const keys = all.map((e) => `${e.txid}:${e.status}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys).toEqual(expect.arrayContaining([`${first}:confirmed`, `${second}:confirmed`]));
      expect(all.find((e) => e.txid === first && e.status === 'confirmed')).toMatchObject({ height: 106, proof: { kind: 'merkleblock' } });
      expect(all.find((e) => e.txid === second && e.status === 'confirmed')).toMatchObject({ height: 107, proof: { kind: 'merkleblock' } });
    } finally {
      sub.unsubscribe(); // also when a step fails: an open pool would keep jest from exiting
      await pool.close();
    }
  });
});
