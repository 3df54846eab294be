import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MruSet, connectPeer, networks, scriptToAddress } from '../../lib/index.js';
import { cliBundle } from '../helpers/cli-bundle.js';
import { startFilterNode, type FilterNode } from '../helpers/filter-node.js';
import { createSimNet, type SimNet, type SimPeer } from '../helpers/simnet/index.js';
import type { Payment } from '../helpers/synthetic-blocks.js';
import { walletTxsIn } from '../helpers/wallet-blocks.js';
import { startCli, within } from './fixtures/cli-child.js';

/*
 * `rxbtc watch HOST1 HOST2 HOST3` downloads from every peer it is given: three BIP157 nodes holding the same chain,
 * each behind a simulated peer of its own latency and bandwidth. Each node counts the filters it was asked for, each
 * simulated peer the bytes it delivered, measured against what a handshake alone costs there.
 */
const network = networks.regtest;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const BLOCKS = 3000;

const script = Uint8Array.from([0x00, 0x14, ...randomBytes(20)]);
const address = scriptToAddress(script, network)!;
const pays = (h: number): Payment[] => (h % 41 === 9 ? [{ script, value: BigInt(20_000 + h) }] : []);

let bundle: string;
const nodes: FilterNode[] = [];
let net: SimNet;
let links: SimPeer[];
/** Bytes a simulated peer delivers for a handshake and a moment idle after it. */
let handshakeBytes: number;
beforeAll(async () => {
  bundle = await cliBundle();
  for (let i = 0; i < 3; i++) nodes.push(await startFilterNode());
  await Promise.all(nodes.map((n) => n.mine(BLOCKS, pays))); // the same blocks on each
  net = createSimNet({ firstNetgroup: 160, seed: 5 });
  const link = (node: FilterNode, latencyMs: number, kBps: number) => ({
    upstream: { host: '127.0.0.1', port: node.port },
    latencyMs,
    jitterMs: 5,
    bandwidth: { down: kBps * 1000, up: 100_000 },
  });
  links = [
    await net.addPeer(link(nodes[0]!, 30, 200)),
    await net.addPeer(link(nodes[1]!, 80, 150)),
    await net.addPeer(link(nodes[2]!, 150, 100)),
  ];
  const probe = await net.addPeer(link(nodes[0]!, 30, 200));
  const peer = await connectPeer({ host: probe.host, port: probe.port, network, sentNonces: new MruSet(50), transport: 'v1' });
  await sleep(1000);
  handshakeBytes = probe.stats().bytesDown;
  peer.disconnect('measured');
}, 60_000);
afterAll(async () => {
  await net.close();
  for (const n of nodes) await n.close();
});

describe('rxbtc watch with several named peers', () => {
  it.each([[[]], [['--peers', '2']]])(
    'uses every one of them (extra arguments %j): each serves filters, and every payment is told once, in order',
    async (extra: string[]) => {
      const dir = mkdtempSync(join(tmpdir(), 'rxbtc-named-'));
      const asked = nodes.map((n) => n.cfiltersAsked.length);
      const before = links.map((l) => l.stats().bytesDown);
      try {
        const hosts = links.map((l) => `${l.host}:${l.port}`);
        const once = startCli(bundle, [
          'watch',
          ...hosts,
          '--network',
          'regtest',
          '--address',
          address,
          '--from',
          '1',
          '--datadir',
          dir,
          '--once',
          ...extra,
        ]);
        const code = await within(once.exited, 90_000, 'exit once recovered');
        expect(once.stderr()).toBe('');
        expect(code).toBe(0);
        const expected = [...walletTxsIn(nodes[0]!.blocks, script)].map(([id, p]) => `${id}:confirmed:${p.height}`);
        expect(once.events('tx').map((l) => `${String(l['txid'])}:${String(l['status'])}:${String(l['height'])}`)).toEqual(expected);
        expect(once.lines.at(-1)).toMatchObject({ event: 'checked', height: BLOCKS });
        expect(once.events('connected').map((l) => l['peer'])).toEqual(expect.arrayContaining(hosts));
        // Each node was asked for a good share of the filters, through its own simulated peer.
        const filters = nodes.map((n, i) => n.cfiltersAsked.slice(asked[i]).reduce((sum, r) => sum + (r.to ?? r.from) - r.from + 1, 0));
        const delivered = links.map((l, i) => l.stats().bytesDown - before[i]!);
        if (process.env['DEBUG_NAMED'])
          console.log(`handshake ${handshakeBytes} B; filters asked ${filters.join(', ')}; bytes ${delivered.join(', ')}`);
        for (const f of filters) expect(f).toBeGreaterThan(BLOCKS / 50);
        for (const d of delivered) expect(d).toBeGreaterThan(20 * handshakeBytes);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
