import { randomBytes } from 'node:crypto';
import { runCli } from '../../lib/cli/main.js';
import {
  MruSet,
  createPeer,
  encodeTransaction,
  hashToHex,
  listenTcp,
  networks,
  toHex,
  txid,
  type Listener,
  type Transaction,
} from '../../lib/index.js';
import { capture } from '../helpers/cli-io.js';

/** A well-formed transaction nobody can check here (its input is made up): enough to be announced and fetched. */
const tx: Transaction = {
  version: 2,
  inputs: [{ txid: Uint8Array.from(randomBytes(32)), vout: 0, script: new Uint8Array(0), sequence: 0xffffffff, witness: [] }],
  outputs: [{ value: 1000n, script: Uint8Array.of(0x51) }],
  lockTime: 0,
};
const hex = toHex(encodeTransaction(tx));
const events = (lines: string[]): Record<string, unknown>[] => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

/** A free loopback port, and an rxbtc node on it that fetches every transaction announced to it — once started. */
async function fetcherOnFreePort(): Promise<{ port: number; start(): Promise<Listener> }> {
  const probe = await listenTcp({ host: '127.0.0.1', port: 0 });
  const port = probe.port;
  await probe.close();
  return {
    port,
    start: async () => {
      const listener = await listenTcp({ host: '127.0.0.1', port });
      listener.connections$.subscribe((c) => {
        const peer = createPeer(c, { network: networks.regtest, inbound: true, sentNonces: new MruSet(50) });
        peer.handshake.catch(() => undefined);
        peer.on('inv').subscribe((m) => void peer.send({ command: 'getdata', items: m.items }).catch(() => undefined));
      });
      return listener;
    },
  };
}

describe('rxbtc send through its pool', () => {
  it('offers the transaction to a peer that was away at first and came back within --timeout (exit 0)', async () => {
    const node = await fetcherOnFreePort();
    const io = capture();
    const done = runCli(['send', hex, `127.0.0.1:${node.port}`, '--network', 'regtest', '--timeout', '20', '--json'], io);
    await io.until(/"event":"sent"/);
    const listener = await node.start();
    try {
      expect(await done).toBe(0);
    } finally {
      await listener.close();
    }
    const all = events(io.lines);
    expect(all.map((e) => e['event'])).toEqual(['peer-failed', 'waiting', 'sent', 'requested']);
    expect(all[2]).toMatchObject({ txid: hashToHex(txid(tx)), peers: 0 });
    expect(all[3]).toMatchObject({ peer: `127.0.0.1:${node.port}`, txid: hashToHex(txid(tx)) });
  }, 30_000);

  it('exits 1 when no peer fetched it within --timeout', async () => {
    const io = capture();
    expect(await runCli(['send', hex, '127.0.0.1:1', '--network', 'regtest', '--timeout', '1', '--json'], io)).toBe(1);
    expect(io.errors.join('\n')).toMatch(/no peer fetched/);
  });
});
