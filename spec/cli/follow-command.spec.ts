import { randomBytes } from 'node:crypto';
import { runCli } from '../../lib/cli/main.js';
import { UsageError, parseCli } from '../../lib/cli/args.js';
import { hashToHex } from '../../lib/index.js';
import { capture } from '../helpers/cli-io.js';
import { eventually } from '../helpers/loopback.js';
import { useRegtestNode } from '../helpers/regtest.js';

const json = (lines: string[], event: string): Record<string, unknown>[] =>
  lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['event'] === event);

describe('rxbtc follow (arguments)', () => {
  it('needs a host; --mempool-mb is a number of megabytes', () => {
    expect(() => parseCli(['follow'])).toThrow(UsageError);
    expect(() => parseCli(['follow', '127.0.0.1', '--mempool-mb', '0'])).toThrow(/--mempool-mb/);
    expect(() => parseCli(['follow', '127.0.0.1', '--mempool-mb', 'x'])).toThrow(/--mempool-mb/);
    expect(parseCli(['follow', '127.0.0.1:18444', '127.0.0.2', '--mempool-mb', '8', '--network', 'regtest'])).toMatchObject({
      kind: 'follow',
      peers: [
        { host: '127.0.0.1', port: 18444 },
        { host: '127.0.0.2', port: 18444 },
      ],
      mempoolBytes: 8 * 1024 * 1024,
    });
  });

  it('with no reachable peer it waits (a waiting line, redials) and exits 0 on Ctrl-C', async () => {
    const io = capture();
    const done = runCli(['follow', '127.0.0.1:1', '--network', 'regtest', '--json'], io);
    await io.until(/"event":"waiting"/);
    io.stop();
    expect(await done).toBe(0);
    expect(json(io.lines, 'waiting')).toEqual([expect.objectContaining({ peers: ['127.0.0.1:1'] })]);
  });
});

describe('rxbtc follow against bcoin', () => {
  const node = useRegtestNode({ blocks: 105 });

  it('prints the transactions bcoin relays and its blocks, rebuilt from compact blocks; Ctrl-C ends it with 0', async () => {
    const io = capture();
    const done = runCli(['follow', `127.0.0.1:${node().port}`, '--network', 'regtest', '--json'], io);
    await io.until(/"event":"connected"/);
    await node().waitForPeers(1);
    const paid: string[] = [];
    for (let i = 0; i < 2; i++)
      paid.push(hashToHex(await node().pay([{ script: Uint8Array.from([0x00, 0x14, ...randomBytes(20)]), value: 50_000 }])));
    await eventually(() => paid.every((id) => json(io.lines, 'tx').some((l) => l['txid'] === id)), 20_000);
    await node().mine(1);
    await io.until(/"event":"block"/);
    const [block] = json(io.lines, 'block');
    expect(block).toMatchObject({
      height: node().height,
      hash: hashToHex(await node().blockHash(node().height)),
      txs: 3,
      via: 'compact',
      fromMempool: 2,
      prefilled: 1,
      requested: 0,
      mempool: 0,
    });
    expect(block!['bytes']).toBeLessThan((await node().rawBlock(node().height)).length);
    io.stop();
    expect(await done).toBe(0);
    expect(io.errors).toEqual([]);
  });
});
