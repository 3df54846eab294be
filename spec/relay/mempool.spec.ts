import {
  InvType,
  MAX_TX_ANNOUNCEMENTS,
  MAX_TX_IN_FLIGHT,
  MEMPOOL_ENTRY_OVERHEAD,
  MEMPOOL_INPUT_OVERHEAD,
  MruSet,
  TX_REQUEST_TIMEOUT_MS,
  createPeer,
  encodeMessage,
  encodeTransaction,
  hashToHex,
  memoryPair,
  mempool,
  networks,
  txid,
  wtxid,
  type InventoryMessage,
  type MempoolEvent,
  type Message,
  type Peer,
  type Transaction,
} from '../../lib/index.js';
import { serveRequested } from '../helpers/serve-requested.js';
import { scriptedRemote, remoteVersion, type ScriptedRemote } from '../helpers/scripted-remote.js';
import { advance, settle, virtualClock } from '../helpers/virtual-time.js';

const network = networks.regtest;

/** A distinct transaction spending output `vout` of a transaction filled with `n`; `pad` bytes of output script. */
function makeTx(n: number, options: { vout?: number; pad?: number; witness?: boolean } = {}): Transaction {
  const id = new Uint8Array(32);
  new DataView(id.buffer).setUint32(0, n + 1);
  return {
    version: 2,
    inputs: [
      {
        txid: id,
        vout: options.vout ?? 0,
        script: new Uint8Array(0),
        sequence: 0xffffffff,
        witness: options.witness ? [new Uint8Array(72).fill(n & 0xff)] : [],
      },
    ],
    outputs: [{ value: 1000n + BigInt(n), script: new Uint8Array(22 + (options.pad ?? 0)).fill(0x51) }],
    lockTime: 0,
  };
}

/** What a kept transaction counts against the budget. */
const cost = (tx: Transaction): number => encodeTransaction(tx).length + MEMPOOL_ENTRY_OVERHEAD + tx.inputs.length * MEMPOOL_INPUT_OVERHEAD;

interface Side {
  peer: Peer;
  remote: ScriptedRemote;
}

async function connected(
  clock: ReturnType<typeof virtualClock>,
  extra: Message[] = [],
  stallResponseTimeout?: number,
  services?: bigint,
): Promise<Side> {
  const [local, far] = memoryPair();
  const peer = createPeer(local, {
    network,
    scheduler: clock,
    sentNonces: new MruSet(50),
    ...(stallResponseTimeout ? { stallResponseTimeout } : {}),
  });
  const remote = scriptedRemote(far, network);
  await remote.next('version');
  await remote.send(remoteVersion(services === undefined ? {} : { services }));
  for (const m of extra) await remote.send(m);
  await remote.send({ command: 'verack' });
  await peer.handshake;
  return { peer, remote };
}

const getdatas = (r: ScriptedRemote): InventoryMessage<'getdata'>[] =>
  r.received.filter((m): m is InventoryMessage<'getdata'> => m.command === 'getdata');
const asked = (r: ScriptedRemote): string[] => getdatas(r).flatMap((m) => m.items.map((i) => `${i.type}:${hashToHex(i.hash)}`));
const announce = (r: ScriptedRemote, txs: readonly Transaction[], byWtxid = false): Promise<void> =>
  r.send({
    command: 'inv',
    items: txs.map((tx) => (byWtxid ? { type: InvType.WitnessTxId, hash: wtxid(tx) } : { type: InvType.Tx, hash: txid(tx) })),
  });

describe('mempool(source)', () => {
  it('fetches announced transactions once (with witness), keeps them, and tells each as added', async () => {
    const clock = virtualClock();
    const a = await connected(clock);
    const view = mempool(a.peer, { scheduler: clock });
    const events: MempoolEvent[] = [];
    const sub = view.events$.subscribe((e) => events.push(e));
    await settle();
    const txs = [makeTx(1), makeTx(2, { witness: true }), makeTx(3)];
    await announce(a.remote, txs);
    await announce(a.remote, txs.slice(0, 1)); // again: not asked twice
    await settle();
    expect(asked(a.remote)).toEqual(txs.map((tx) => `${InvType.WitnessTx}:${hashToHex(txid(tx))}`));
    for (const tx of txs) await a.remote.send({ command: 'tx', tx });
    await settle();
    expect(events.map((e) => e.type)).toEqual(['added', 'added', 'added']);
    expect(events[1]).toMatchObject({ txid: hashToHex(txid(txs[1]!)), wtxid: hashToHex(wtxid(txs[1]!)), peer: a.peer });
    expect(view.size).toBe(3);
    expect(view.bytes).toBe(txs.reduce((n, tx) => n + cost(tx), 0));
    expect(view.get(hashToHex(wtxid(txs[1]!)))).toEqual(txs[1]);
    expect(view.has(txid(txs[2]!))).toBe(true);
    // Announced again after it was kept: not asked again.
    await announce(a.remote, txs);
    await settle();
    expect(getdatas(a.remote)).toHaveLength(1);
    sub.unsubscribe();
    a.peer.disconnect();
  });

  it('with askMempool, asks peers that advertise NODE_BLOOM for their mempool (BIP35), and no other peer', async () => {
    const clock = virtualClock();
    const bloom = await connected(clock, [], undefined, 13n);
    const plain = await connected(clock, [], undefined, 9n);
    const sub = mempool([bloom.peer, plain.peer], { scheduler: clock, askMempool: true }).events$.subscribe();
    await settle();
    expect(bloom.remote.commands()).toContain('mempool');
    expect(plain.remote.commands()).not.toContain('mempool');
    sub.unsubscribe();
    const quiet = await connected(clock, [], undefined, 13n);
    const sub2 = mempool(quiet.peer, { scheduler: clock }).events$.subscribe();
    await settle();
    expect(quiet.remote.commands()).not.toContain('mempool');
    sub2.unsubscribe();
    for (const s of [bloom, plain, quiet]) s.peer.disconnect();
  });

  it('asks a wtxidrelay peer by wtxid (BIP339)', async () => {
    const clock = virtualClock();
    const a = await connected(clock, [{ command: 'wtxidrelay' }]);
    const view = mempool(a.peer, { scheduler: clock });
    const sub = view.events$.subscribe();
    await settle();
    const tx = makeTx(4, { witness: true });
    await announce(a.remote, [tx], true);
    await settle();
    expect(asked(a.remote)).toEqual([`${InvType.WitnessTxId}:${hashToHex(wtxid(tx))}`]);
    await a.remote.send({ command: 'tx', tx });
    await settle();
    expect(view.has(wtxid(tx))).toBe(true);
    sub.unsubscribe();
    a.peer.disconnect();
  });

  it('asks one peer at a time; after a notfound, and after a 60 s timeout (virtual time), the next that announced it', async () => {
    const clock = virtualClock();
    // Peers whose own stall detection waits longer than the view's request timeout.
    const patient = (): Promise<Side> => connected(clock, [], 180_000);
    const [a, b, c] = [await patient(), await patient(), await patient()];
    const view = mempool([a.peer, b.peer, c.peer], { scheduler: clock });
    const sub = view.events$.subscribe();
    await settle();
    const tx = makeTx(5);
    for (const s of [a, b, c]) await announce(s.remote, [tx]);
    await settle();
    expect([asked(a.remote).length, asked(b.remote).length, asked(c.remote).length]).toEqual([1, 0, 0]);
    await a.remote.send({ command: 'notfound', items: [{ type: InvType.WitnessTx, hash: txid(tx) }] });
    await settle();
    expect([asked(a.remote).length, asked(b.remote).length, asked(c.remote).length]).toEqual([1, 1, 0]);
    await advance(clock, TX_REQUEST_TIMEOUT_MS - 1000);
    expect(asked(c.remote)).toHaveLength(0);
    await advance(clock, 2000);
    expect(asked(c.remote)).toHaveLength(1);
    expect(b.peer.connected).toBe(true);
    await c.remote.send({ command: 'tx', tx });
    await settle();
    expect(view.has(txid(tx))).toBe(true);
    // b answers late: nothing changes, nothing is told twice.
    await b.remote.send({ command: 'tx', tx });
    await settle();
    expect(view.size).toBe(1);
    sub.unsubscribe();
    for (const s of [a, b, c]) s.peer.disconnect();
  });

  it('a peer that stalls on the request is dropped by its own stall detection, and the next announcer is asked', async () => {
    const clock = virtualClock();
    const [a, b] = [await connected(clock), await connected(clock)];
    const view = mempool([a.peer, b.peer], { scheduler: clock });
    const sub = view.events$.subscribe();
    await settle();
    const tx = makeTx(6);
    for (const s of [a, b]) await announce(s.remote, [tx]);
    await settle();
    expect([asked(a.remote).length, asked(b.remote).length]).toEqual([1, 0]);
    await advance(clock, TX_REQUEST_TIMEOUT_MS - 1000);
    expect(a.peer.connected).toBe(false);
    expect(asked(b.remote)).toHaveLength(1);
    sub.unsubscribe();
    b.peer.disconnect();
  });

  it('a peer that leaves with requests in flight and announcements waiting hands all of them to the next announcer', async () => {
    const clock = virtualClock();
    const [a, b] = [await connected(clock), await connected(clock)];
    const view = mempool([a.peer, b.peer], { scheduler: clock });
    const sub = view.events$.subscribe();
    await settle();
    const txs = Array.from({ length: 150 }, (_, i) => makeTx(500 + i));
    await announce(a.remote, txs);
    await announce(b.remote, txs);
    await settle();
    expect([asked(a.remote).length, asked(b.remote).length]).toEqual([MAX_TX_IN_FLIGHT, 0]);
    a.remote.close();
    await a.peer.closed;
    await settle();
    expect(asked(b.remote)).toHaveLength(MAX_TX_IN_FLIGHT);
    await serveRequested(b.remote, txs, { from: 0 });
    expect(asked(b.remote)).toHaveLength(150);
    expect(view.size).toBe(150);
    sub.unsubscribe();
    b.peer.disconnect();
  });

  it('drops what was not asked for, what is too large and what is invalid, with a reason, and goes on', async () => {
    const clock = virtualClock();
    const a = await connected(clock);
    const view = mempool(a.peer, { scheduler: clock, maxTxBytes: 1000 });
    const events: MempoolEvent[] = [];
    const sub = view.events$.subscribe((e) => events.push(e));
    await settle();
    const big = makeTx(6, { pad: 2000 });
    const noOutputs = { ...makeTx(7), outputs: [] };
    const twice = { ...makeTx(8), inputs: [makeTx(8).inputs[0]!, makeTx(8).inputs[0]!] };
    const tooMuch = { ...makeTx(9), outputs: [{ value: 2_100_000_000_000_001n, script: Uint8Array.of(0x51) }] };
    const good = makeTx(10);
    await a.remote.send({ command: 'tx', tx: makeTx(11) });
    await announce(a.remote, [big, noOutputs, twice, tooMuch, good]);
    await settle();
    for (const tx of [big, noOutputs, twice, tooMuch, good]) await a.remote.send({ command: 'tx', tx });
    await settle();
    expect(events.map((e) => `${e.type}:${'reason' in e ? e.reason : ''}`)).toEqual([
      'dropped:unrequested',
      'dropped:too-large',
      'dropped:invalid',
      'dropped:invalid',
      'dropped:invalid',
      'added:',
    ]);
    expect(a.peer.connected).toBe(true);
    // Dropped ones are not fetched again.
    await announce(a.remote, [big, twice]);
    await settle();
    expect(getdatas(a.remote)).toHaveLength(1);
    sub.unsubscribe();
    a.peer.disconnect();
  });

  it('a peer sending a tx that does not decode is disconnected; the view goes on with the others', async () => {
    const clock = virtualClock();
    const [a, b] = [await connected(clock), await connected(clock)];
    const view = mempool([a.peer, b.peer], { scheduler: clock });
    const events: MempoolEvent[] = [];
    const sub = view.events$.subscribe({ next: (e) => events.push(e), error: (e: unknown) => events.push({ type: 'error', e } as never) });
    await settle();
    const tx = makeTx(30);
    await announce(a.remote, [tx]);
    await announce(b.remote, [tx]);
    await settle();
    // A `tx` whose input count lies (0xfd 0x10 0x27: 10,000 inputs in three bytes).
    await a.remote.sendRaw(
      encodeMessage(network, { command: 'unknown', rawCommand: 'tx', payload: Uint8Array.of(2, 0, 0, 0, 0xfd, 0x10, 0x27) }),
    );
    const gone = await a.peer.closed;
    expect(gone.error?.name).toBe('ProtocolError');
    await settle();
    // b, which announced it too, is asked next and delivers.
    expect(asked(b.remote)).toHaveLength(1);
    await b.remote.send({ command: 'tx', tx });
    await settle();
    expect(events.map((e) => e.type)).toEqual(['added']);
    sub.unsubscribe();
    b.peer.disconnect();
  });

  it('a block takes its transactions out as confirmed and double spends of them as conflict; they are not fetched again', async () => {
    const clock = virtualClock();
    const a = await connected(clock);
    const view = mempool(a.peer, { scheduler: clock });
    const events: MempoolEvent[] = [];
    const sub = view.events$.subscribe((e) => events.push(e));
    await settle();
    const [x, y, z] = [makeTx(20), makeTx(21), makeTx(22)];
    const ySpendsAgain = makeTx(21, { pad: 1 }); // spends what y spends
    await announce(a.remote, [x, y, z]);
    await settle();
    for (const tx of [x, y, z]) await a.remote.send({ command: 'tx', tx });
    await settle();
    const coinbase = { ...makeTx(99), inputs: [{ ...makeTx(99).inputs[0]!, txid: new Uint8Array(32), vout: 0xffffffff }] };
    const header = { version: 4, prevBlock: new Uint8Array(32), merkleRoot: new Uint8Array(32), timestamp: 0, bits: 0, nonce: 0 };
    await a.remote.send({ command: 'block', block: { header, transactions: [coinbase, x, ySpendsAgain] } });
    await settle();
    expect(events.slice(3)).toEqual([
      { type: 'removed', txid: hashToHex(txid(x)), reason: 'confirmed' },
      { type: 'removed', txid: hashToHex(txid(y)), reason: 'conflict' },
    ]);
    expect(view.transactions()).toEqual([z]);
    await announce(a.remote, [x, ySpendsAgain]);
    await settle();
    expect(getdatas(a.remote)).toHaveLength(1);
    expect(view.remove(txid(z))).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'removed', txid: hashToHex(txid(z)), reason: 'removed' });
    sub.unsubscribe();
    a.peer.disconnect();
  });

  it('under a flood of announcements and transactions it stays within its budget and its request limits', async () => {
    const clock = virtualClock();
    const a = await connected(clock);
    const maxBytes = 50_000;
    const view = mempool(a.peer, { scheduler: clock, maxBytes });
    let evicted = 0;
    let peak = 0;
    const sub = view.events$.subscribe((e) => {
      if (e.type === 'removed' && e.reason === 'evicted') evicted++;
      peak = Math.max(peak, view.bytes);
    });
    await settle();
    const flood = Array.from({ length: 12_000 }, (_, i) => makeTx(1000 + i, { pad: 400 }));
    for (let i = 0; i < flood.length; i += 4000) await announce(a.remote, flood.slice(i, i + 4000));
    await settle();
    // At most MAX_TX_IN_FLIGHT asked, the rest waiting up to MAX_TX_ANNOUNCEMENTS; answer every request as it comes.
    expect(asked(a.remote)).toHaveLength(MAX_TX_IN_FLIGHT);
    expect(await serveRequested(a.remote, flood, { from: 0 })).toBe(MAX_TX_ANNOUNCEMENTS);
    expect(peak).toBeLessThanOrEqual(maxBytes);
    expect(view.bytes).toBeLessThanOrEqual(maxBytes);
    expect(view.size).toBe(Math.floor(maxBytes / cost(flood[0]!)));
    expect(evicted).toBe(MAX_TX_ANNOUNCEMENTS - view.size);
    // The newest are the ones kept.
    const newest = asked(a.remote).at(-1)!.split(':')[1]!;
    expect(view.transactions().at(-1)).toEqual(flood.find((tx) => hashToHex(txid(tx)) === newest));
    sub.unsubscribe();
    a.peer.disconnect();
  }, 60_000);
});
