import { randomBytes } from 'node:crypto';
import { runCli } from '../../lib/cli/main.js';
import { hashToHex, toHex } from '../../lib/index.js';
import { capture } from '../helpers/cli-io.js';
import { useRegtestNode } from '../helpers/regtest.js';
import { fund, newKey, spend } from '../notify/bcoin-coins.js';
import { startFilterMirror, type FilterMirror } from '../notify/filter-mirror.js';

/**
 * `rxbtc notify` against rxbtc's own BIP157 server copying a real bcoin regtest node (bcoin makes, mines and spends
 * the transactions): the JSON lines of the design brief, `done`, exit 0.
 */
const node = useRegtestNode({ blocks: 110 });
let mirror: FilterMirror;
beforeAll(async () => {
  mirror = await startFilterMirror(node());
});
afterAll(async () => {
  await mirror.close();
});
const mine = async (n: number): Promise<void> => {
  await node().mine(n);
  await mirror.synced();
};
const json = (lines: string[]): Record<string, unknown>[] =>
  lines
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((e) => !['connected', 'disconnected', 'waiting'].includes(e['event'] as string));

describe('rxbtc notify', () => {
  it('--tx: a confirmation line per block to --depth, then done and exit 0', async () => {
    const script = Uint8Array.from([0x00, 0x14, ...randomBytes(20)]);
    const txid = hashToHex(await node().pay([{ script, value: 8_000_000 }]));
    const hint = node().height;
    await mine(1);
    const io = capture();
    const done = runCli(
      [
        'notify',
        `127.0.0.1:${mirror.port}`,
        '--network',
        'regtest',
        '--tx',
        txid,
        '--script',
        toHex(script),
        '--depth',
        '3',
        '--height-hint',
        String(hint),
        '--json',
      ],
      io,
    );
    await io.until(/"confirmations":1/);
    await mine(1);
    await io.until(/"confirmations":2/);
    await mine(1);
    expect(await done).toBe(0);
    const block = hashToHex(await node().blockHash(hint + 1));
    expect(json(io.lines)).toEqual([
      expect.objectContaining({ event: 'confirmation', txid, confirmations: 1, height: hint + 1, blockHash: block }),
      expect.objectContaining({ event: 'confirmation', txid, confirmations: 2, height: hint + 1, blockHash: block }),
      expect.objectContaining({ event: 'confirmation', txid, confirmations: 3, height: hint + 1, blockHash: block }),
      expect.objectContaining({ event: 'done' }),
    ]);
  });

  it('--outpoint: the spending transaction and input (text lines), found from the hint after it confirmed', async () => {
    const key = newKey();
    const funding = await fund(node(), key, [1_000_000, 2_000_000]);
    await mine(1);
    const spender = await spend(node(), key, funding, [1, 0]);
    await mine(1);
    const io = capture();
    const code = await runCli(
      [
        'notify',
        `127.0.0.1:${mirror.port}`,
        '--network',
        'regtest',
        '--outpoint',
        `${funding.txid}:0`,
        '--script',
        toHex(key.script),
        '--height-hint',
        '100',
      ],
      io,
    );
    expect(code).toBe(0);
    const height = node().height;
    expect(io.lines.filter((l) => !/^(connected|disconnected|waiting)/.test(l))).toEqual([
      `spent ${funding.txid}:0 by ${spender.txid} input 1 in block ${height} (${hashToHex(await node().blockHash(height))})`,
      'done',
    ]);
  });

  it('--outpoint against bcoin itself (BIP37, chosen from its services): spent from the mempool first, then in its block', async () => {
    const key = newKey();
    const funding = await fund(node(), key, [1_500_000]);
    await mine(1);
    const io = capture();
    const done = runCli(
      [
        'notify',
        `127.0.0.1:${node().port}`,
        '--network',
        'regtest',
        '--outpoint',
        `${funding.txid}:0`,
        '--script',
        toHex(key.script),
        '--height-hint',
        String(node().height),
        '--json',
      ],
      io,
    );
    await io.until(/"event":"connected"/);
    await new Promise((r) => setTimeout(r, 500)); // the filter loaded
    const spender = await spend(node(), key, funding, [0]);
    await io.until(/"event":"spent"/);
    await mine(1);
    expect(await done).toBe(0);
    expect(json(io.lines)).toEqual([
      { time: expect.any(String), event: 'spent', outpoint: `${funding.txid}:0`, txid: spender.txid, inputIndex: 0 },
      {
        time: expect.any(String),
        event: 'spent',
        outpoint: `${funding.txid}:0`,
        txid: spender.txid,
        inputIndex: 0,
        height: node().height,
        blockHash: hashToHex(await node().blockHash(node().height)),
      },
      { time: expect.any(String), event: 'done' },
    ]);
  });

  it.each([
    [['--tx', 'ab'.repeat(32)], /--script/],
    [['--tx', 'ab'.repeat(32), '--outpoint', `${'ab'.repeat(32)}:0`, '--script', '00'], /one of --tx/],
    [['--outpoint', 'abc:1', '--script', '00'], /--outpoint takes TXID:VOUT/],
    [['--tx', 'ab'.repeat(32), '--script', '00', '--depth', '0'], /--depth takes a whole number of at least 1/],
  ])('refuses %j with a usage error (exit 2)', async (args, why) => {
    const io = capture();
    expect(await runCli(['notify', '127.0.0.1:1', '--network', 'regtest', ...args], io)).toBe(2);
    expect(io.errors.join('\n')).toMatch(why);
  });
});
