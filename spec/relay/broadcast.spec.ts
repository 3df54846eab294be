import {
  BroadcastError,
  BroadcastErrorCode,
  InvType,
  MruSet,
  broadcast,
  createPeer,
  memoryPair,
  networks,
  txid,
  wtxid,
  type Message,
  type Peer,
  type Transaction,
} from '../../lib/index.js';
import { scriptedRemote, remoteVersion, type ScriptedRemote } from '../helpers/scripted-remote.js';
import { advance, settle, virtualClock } from '../helpers/virtual-time.js';

const network = networks.regtest;

/** A segwit transaction (its wtxid differs from its txid). */
const tx: Transaction = {
  version: 2,
  inputs: [
    {
      txid: new Uint8Array(32).fill(7),
      vout: 1,
      script: new Uint8Array(0),
      sequence: 0xfffffffd,
      witness: [new Uint8Array(71).fill(1), new Uint8Array(33).fill(2)],
    },
  ],
  outputs: [{ value: 50_000n, script: Uint8Array.of(0x00, 0x14, ...new Uint8Array(20).fill(9)) }],
  lockTime: 0,
};

interface Side {
  peer: Peer;
  remote: ScriptedRemote;
}

async function connected(clock: ReturnType<typeof virtualClock>, extra: Message[] = []): Promise<Side> {
  const [local, far] = memoryPair();
  const peer = createPeer(local, { network, scheduler: clock, sentNonces: new MruSet(50) });
  const remote = scriptedRemote(far, network);
  await remote.next('version');
  await remote.send(remoteVersion());
  for (const m of extra) await remote.send(m);
  await remote.send({ command: 'verack' });
  await peer.handshake;
  return { peer, remote };
}

describe('broadcast(tx, peers)', () => {
  it('announces by wtxid to a wtxidrelay peer and by txid to the other, serves getdata, and reports who fetched it', async () => {
    const clock = virtualClock();
    const a = await connected(clock, [{ command: 'wtxidrelay' }]);
    const b = await connected(clock);
    const requested: Peer[] = [];
    const done = broadcast(tx, [a.peer, b.peer], { peers: 2, scheduler: clock, onRequest: (p) => requested.push(p) });
    const invA = await a.remote.next('inv');
    const invB = await b.remote.next('inv');
    expect(invA.items).toEqual([{ type: InvType.WitnessTxId, hash: wtxid(tx) }]);
    expect(invB.items).toEqual([{ type: InvType.Tx, hash: txid(tx) }]);
    await a.remote.send({ command: 'getdata', items: invA.items });
    expect((await a.remote.next('tx')).tx).toEqual(tx);
    await b.remote.send({ command: 'getdata', items: [{ type: InvType.WitnessTx, hash: txid(tx) }] });
    expect((await b.remote.next('tx')).tx).toEqual(tx);
    const result = await done;
    expect(result.peers).toEqual([a.peer, b.peer]);
    expect(requested).toEqual([a.peer, b.peer]);
    expect(result.txid).not.toBe(result.wtxid);
    a.peer.disconnect();
    b.peer.disconnect();
  });

  it('fails with a typed timeout (virtual time) when no peer fetches it, and stops serving it', async () => {
    const clock = virtualClock();
    const a = await connected(clock);
    const done = broadcast(tx, a.peer, { timeoutMs: 10_000, scheduler: clock });
    const failed = done.catch((e: unknown) => e);
    await a.remote.next('inv');
    await advance(clock, 9_000);
    let settled = false;
    void failed.then(() => (settled = true));
    await settle();
    expect(settled).toBe(false);
    await advance(clock, 2_000);
    const e = (await failed) as BroadcastError;
    expect(e).toBeInstanceOf(BroadcastError);
    expect(e.code).toBe(BroadcastErrorCode.Timeout);
    await a.remote.send({ command: 'getdata', items: [{ type: InvType.Tx, hash: txid(tx) }] });
    await settle();
    expect(a.remote.commands()).not.toContain('tx'); // no longer served
    a.peer.disconnect();
  });

  it("reports a peer's reject, and fails with rejected when every peer refused it", async () => {
    const clock = virtualClock();
    const a = await connected(clock);
    const failed = broadcast(tx, a.peer, { scheduler: clock }).catch((e: unknown) => e);
    await a.remote.next('inv');
    await a.remote.send({ command: 'reject', message: 'tx', code: 0x10, reason: 'bad-txns-inputs-missingorspent', hash: txid(tx) });
    const e = (await failed) as BroadcastError;
    expect([e.code, e.rejects]).toEqual([
      BroadcastErrorCode.Rejected,
      [{ peer: a.peer.stats().address, code: 0x10, reason: 'bad-txns-inputs-missingorspent' }],
    ]);
    a.peer.disconnect();
  });

  it('refuses a transaction without inputs before sending anything', async () => {
    const clock = virtualClock();
    const a = await connected(clock);
    await expect(broadcast({ ...tx, inputs: [] }, a.peer, { scheduler: clock })).rejects.toMatchObject({
      code: BroadcastErrorCode.Invalid,
    });
    await settle();
    expect(a.remote.commands()).not.toContain('inv');
    a.peer.disconnect();
  });
});
