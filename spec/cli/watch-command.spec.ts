import { randomBytes } from 'node:crypto';
import { parseCli } from '../../lib/cli/args.js';
import { runCli } from '../../lib/cli/main.js';
import { hashToHex, networks, scriptToAddress } from '../../lib/index.js';
import { capture } from '../helpers/cli-io.js';
import { eventually } from '../helpers/loopback.js';
import { useRegtestNode } from '../helpers/regtest.js';

const regtest = useRegtestNode({ blocks: 105 });
const script = Uint8Array.from([0x00, 0x14, ...randomBytes(20)]);
const address = scriptToAddress(script, networks.regtest)!;

/** `rxbtc watch` of the address from `from`, its chain started at block 104 (`hash`). */
const watchFromCheckpoint = (from: number, hash: string): string[] => [
  'watch',
  `127.0.0.1:${regtest().port}`,
  '--network',
  'regtest',
  '--address',
  address,
  '--from',
  String(from),
  '--checkpoint',
  `104:${hash}`,
  '--json',
];

describe('rxbtc watch', () => {
  it('prints a JSON line when bcoin pays the address (mempool), and one when it confirms, at the right height', async () => {
    const io = capture();
    const done = runCli(['watch', `127.0.0.1:${regtest().port}`, '--network', 'regtest', '--address', address, '--json'], io);
    await new Promise((r) => setTimeout(r, 500)); // handshake, filterload
    const txid = hashToHex(await regtest().pay([{ script, value: 7_000_000 }]));
    await io.until(/"status":"mempool"/);
    await regtest().mine(1);
    await io.until(/"status":"confirmed"/);
    io.stop();
    expect(await done).toBe(0);
    const events = io.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e['event'] === 'tx');
    expect(events.map((e) => [e['txid'], e['status'], e['height']])).toEqual([
      [txid, 'mempool', undefined],
      [txid, 'confirmed', 106],
    ]);
    expect(events[1]).toMatchObject({ received: [{ index: 0, value: 7_000_000 }], proof: 'merkleblock' });
    // Ctrl-C right after the confirmation: block 106 is checked, so the next run goes on from 107.
    const checked = io.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e['event'] === 'checked');
    expect(checked).toMatchObject({ height: 106, from: 107 });
  });

  it('rescans with --from and prints the text form', async () => {
    const io = capture();
    const done = runCli(
      ['watch', `127.0.0.1:${regtest().port}`, '--network', 'regtest', '--script', Buffer.from(script).toString('hex'), '--from', '100'],
      io,
    );
    await io.until(/confirmed in block 106/);
    await eventually(() => io.lines.length > 0);
    io.stop();
    expect(await done).toBe(0);
    expect(io.lines.at(-1)).toMatch(/^checked every block to (\d+): go on with --from \d+$/);
    expect(
      io.lines.some((l) => /^tx [0-9a-f]{64} confirmed in block 106 \([0-9a-f]{64}\): receives 0\.07000000 BTC in 1 output\(s\)/.test(l)),
    ).toBe(true);
  });

  it('--checkpoint HEIGHT:HASH starts the chain at that block (bcoin gives its header), finds the payment above it', async () => {
    const io = capture();
    const hash = hashToHex(await regtest().blockHash(104));
    let done: Promise<number> | undefined;
    try {
      done = runCli(watchFromCheckpoint(105, hash), io);
      await io.until(/"event":"tx".*"height":106/);
    } finally {
      io.stop();
    }
    expect(await done).toBe(0);
    const lines = io.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    // First, bar the peer joining (its header came from it): the chain's start.
    expect(lines.find((l) => l['event'] !== 'connected')).toMatchObject({ event: 'checkpoint', height: 104, hash });
  });

  it('refuses a birthday below the checkpoint, and a malformed --checkpoint', async () => {
    const io = capture();
    const hash = hashToHex(await regtest().blockHash(104));
    const code = await runCli(watchFromCheckpoint(100, hash), io);
    expect(code).toBe(1);
    expect(io.lines.join('\n')).toMatch(/cannot scan from 100: the header chain starts at 104/);
    expect(() => parseCli(['watch', '127.0.0.1', '--address', address, '--checkpoint', '104:abc'])).toThrow('HEIGHT:HASH');
    expect(() => parseCli(['connect', '127.0.0.1', '--checkpoint', `1:${hash}`])).toThrow('--checkpoint is for headers, watch and notify');
    expect(parseCli(['headers', '127.0.0.1', '--checkpoint', `104:${hash.toUpperCase()}`])).toMatchObject({
      checkpoint: { height: 104, hash },
    });
  });

  it('refuses bad arguments', () => {
    expect(() => parseCli(['watch', '127.0.0.1'])).toThrow('--address, --script or --descriptor');
    expect(() => parseCli(['watch', '127.0.0.1', '--script', 'zz'])).toThrow('hex');
    expect(() => parseCli(['watch', '127.0.0.1', '--address', address, '--method', 'x'])).toThrow('--method');
  });

  it('reports an address of another network with exit code 2', async () => {
    const io = capture();
    expect(
      await runCli(
        ['watch', `127.0.0.1:${regtest().port}`, '--network', 'regtest', '--address', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'],
        io,
      ),
    ).toBe(2);
    expect(io.errors.join('\n')).toMatch(/prefix bc, not bcrt/);
  });
});

describe('rxbtc watch through a pool', () => {
  it('with --peers: syncs through the pool and prints the confirmation', async () => {
    const io = capture();
    const done = runCli(
      ['watch', `127.0.0.1:${regtest().port}`, '--peers', '1', '--network', 'regtest', '--address', address, '--json'],
      io,
    );
    await new Promise((r) => setTimeout(r, 800)); // pool dial, handshake, filterload
    const txid = hashToHex(await regtest().pay([{ script, value: 3_000_000 }]));
    await regtest().mine(1);
    await io.until(new RegExp(`"txid":"${txid}","status":"confirmed"`));
    io.stop();
    expect(await done).toBe(0);
    const confirmed = io.lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((e) => e['txid'] === txid && e['status'] === 'confirmed');
    expect(confirmed).toMatchObject({ height: regtest().height, proof: 'merkleblock' });
  });

  it('parses --peers and --dns-seed', () => {
    expect(parseCli(['watch', '--dns-seed', '--address', 'x', '--network', 'regtest'])).toMatchObject({
      kind: 'watch',
      peers: [],
      dnsSeed: true,
    });
    expect(parseCli(['watch', '127.0.0.1', '--peers', '3', '--address', 'x'])).toMatchObject({ outbound: 3, dnsSeed: false });
    expect(() => parseCli(['watch', '--address', 'x'])).toThrow('or --dns-seed');
  });
});
