import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../lib/cli/main.js';
import { blockHash, hashToHex, networks, scriptToAddress, txid } from '../../lib/index.js';
import { cliBundle } from '../helpers/cli-bundle.js';
import { capture } from '../helpers/cli-io.js';
import { startFilterNode, type FilterNode } from '../helpers/filter-node.js';
import type { Payment } from '../helpers/synthetic-blocks.js';
import { startCli, within, type CliChild, type Line } from './fixtures/cli-child.js';

/*
 * Peers come back: the CLI as a real child process against the project's own BIP157 node on loopback, which stops
 * (drops every peer, refuses connections) and restarts on the same port. The command waits, says so
 * (`disconnected`, `waiting`, `connected` lines), redials, and goes on where it was; it never exits for that.
 */
const network = networks.regtest;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let bundle: string;
let node: FilterNode;
let dir: string;
const children: CliChild[] = [];
beforeAll(async () => {
  bundle = await cliBundle();
});
beforeEach(async () => {
  node = await startFilterNode();
  dir = mkdtempSync(join(tmpdir(), 'rxbtc-peers-return-'));
});
afterEach(async () => {
  for (const c of children.splice(0)) c.child.kill('SIGKILL');
  await node.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Start `rxbtc ARGS --json` (killed after the test). */
function start(args: string[]): CliChild {
  const c = startCli(bundle, args);
  children.push(c);
  return c;
}

/** A fresh watched script, its address, and what pays it: blocks whose height is `every`·k + 7. */
function wallet(every: number): { script: Uint8Array; address: string; pays: (h: number) => Payment[] } {
  const script = Uint8Array.from([0x00, 0x14, ...randomBytes(20)]);
  return { script, address: scriptToAddress(script, network)!, pays: (h) => (h % every === 7 ? [{ script, value: BigInt(h) }] : []) };
}

/** `txid:confirmed:height` of every block of the node whose coinbase pays `script`. */
function payments(script: Uint8Array): string[] {
  return node.blocks.flatMap((b, h) =>
    b.transactions[0]!.outputs.some((o) => Buffer.from(o.script).equals(Buffer.from(script)))
      ? [`${hashToHex(txid(b.transactions[0]!))}:confirmed:${h}`]
      : [],
  );
}

const told = (c: CliChild): string[] => c.events('tx').map((l) => `${String(l['txid'])}:${String(l['status'])}:${String(l['height'])}`);
const at = (c: CliChild, event: string): number => c.lines.findIndex((l) => l['event'] === event);
const isEvent =
  (event: string, fields: Line = {}) =>
  (l: Line): boolean =>
    l['event'] === event && Object.entries(fields).every(([k, v]) => l[k] === v);

describe('rxbtc watch when its only node stops and comes back', () => {
  it('waits, goes on from where it was, tells a payment made while it was down exactly once, and exits 0 on Ctrl-C', async () => {
    const w = wallet(50);
    await node.mine(200, w.pays); // 4 payments
    const peer = `127.0.0.1:${node.port}`;
    const watch = start(['watch', peer, '--network', 'regtest', '--address', w.address, '--from', '1', '--datadir', dir]);
    await watch.next(isEvent('balance'), 'caught up (balance line)');
    expect(told(watch)).toEqual(payments(w.script));

    await node.stop();
    await watch.next(isEvent('disconnected', { peer }), 'disconnected');
    await watch.next(isEvent('waiting'), 'waiting');
    await node.mine(3, (h) => (h === 202 ? [{ script: w.script, value: 202n }] : [])); // paid while it is down
    await sleep(3000); // a few redials fail meanwhile
    expect(watch.child.exitCode).toBeNull();
    const down = watch.lines.length;

    await node.restart();
    await watch.next(isEvent('connected', { peer, height: 203 }), 'connected again', 20_000, down);
    await watch.next(isEvent('tx', { height: 202 }), 'the payment made while it was down', 20_000, down);
    await node.mine(1, () => [{ script: w.script, value: 204n }]); // and it follows live again
    await watch.next(isEvent('tx', { height: 204 }), 'a payment after the restart', 20_000, down);

    watch.child.kill('SIGINT');
    expect(await within(watch.exited, 10_000, 'exit after Ctrl-C')).toBe(0);
    expect(told(watch)).toEqual(payments(w.script)); // each once, in order
    expect(told(watch)).toHaveLength(6);
    expect(watch.lines.at(-1)).toMatchObject({ event: 'checked', height: 204 });
    expect(watch.events('waiting')).toEqual([expect.objectContaining({ peers: [peer] })]);
    expect(watch.events('peer-failed')).toHaveLength(1); // the first failed redial, not every one
    expect(at(watch, 'disconnected')).toBeLessThan(at(watch, 'waiting'));
    expect(watch.stderr()).toBe('');
  }, 90_000);
});

describe('rxbtc watch --once when its node drops in the middle of the recovery', () => {
  it('waits for the node, finishes the recovery from where it was, tells every payment once, and exits 0', async () => {
    const w = wallet(97);
    await node.mine(4000, w.pays); // 42 payments
    const peer = `127.0.0.1:${node.port}`;
    const once = start(['watch', peer, '--network', 'regtest', '--address', w.address, '--from', '1', '--datadir', dir, '--once']);
    await once.next(isEvent('tx'), 'the first payment found');
    await node.stop();
    const before = told(once).length;
    expect(before).toBeLessThan(42); // really in the middle
    await once.next(isEvent('waiting'), 'waiting');
    await sleep(2500);
    expect(once.child.exitCode).toBeNull();
    await node.restart();

    expect(await within(once.exited, 60_000, 'exit once recovered')).toBe(0);
    if (process.env['DEBUG_PEERS'])
      console.log(
        once.lines
          .filter((l) => l['event'] !== 'tx')
          .map((l) => JSON.stringify(l))
          .join('\n'),
      );
    expect(told(once)).toEqual(payments(w.script));
    expect(new Set(told(once)).size).toBe(42);
    expect(once.events('connected').length).toBeGreaterThanOrEqual(2);
    expect(once.lines.at(-1)).toMatchObject({ event: 'checked', height: 4000 });
    expect(once.stderr()).toBe('');
  }, 120_000);
});

describe('rxbtc headers when its node is away', () => {
  it('started while the node is down: one peer-failed line, a waiting line, then synced once it is back (exit 0)', async () => {
    await node.mine(300);
    await node.stop();
    const peer = `127.0.0.1:${node.port}`;
    const headers = start(['headers', peer, '--network', 'regtest', '--datadir', dir]);
    await headers.next(isEvent('waiting'), 'waiting');
    await sleep(3000); // several redials fail
    expect(headers.child.exitCode).toBeNull();
    await node.restart();
    expect(await within(headers.exited, 30_000, 'exit once synced')).toBe(0);
    expect(headers.events('peer-failed')).toEqual([expect.objectContaining({ peer, height: 0 })]);
    expect(headers.events('connected')).toEqual([expect.objectContaining({ peer, height: 300 })]);
    expect(headers.lines.at(-1)).toMatchObject({ event: 'synced', height: 300, hash: hashOf(300) });
  }, 60_000);

  it('dropped in the middle of the sync: goes on from the headers it has once the node is back', async () => {
    await node.mine(4500);
    const captured = capture();
    let stopped: Promise<void> | undefined;
    // In process: the node is stopped the moment the first batch of 2,000 is verified, before the next is served.
    const io = {
      ...captured,
      out: (line: string): void => {
        captured.out(line);
        if (!stopped && line.includes('"event":"progress"')) stopped = node.stop();
      },
    };
    const done = runCli(['headers', `127.0.0.1:${node.port}`, '--network', 'regtest', '--json'], io);
    await io.until(/"event":"waiting"/);
    const lines = (): Line[] => io.lines.map((l) => JSON.parse(l) as Line);
    const progress = lines().filter((l) => l['event'] === 'progress');
    expect(progress.map((l) => l['height'])).toEqual([2000]);
    await stopped;
    await sleep(1500);
    await node.restart();
    expect(await done).toBe(0);
    const all = lines();
    const again = all.findIndex((l, i) => l['event'] === 'connected' && i > all.findIndex((x) => x['event'] === 'waiting'));
    expect(again).toBeGreaterThan(0);
    expect(all.slice(again).find((l) => l['event'] === 'progress')!['height']).toBeGreaterThan(2000); // not from genesis again
    expect(lines().at(-1)).toMatchObject({ event: 'synced', height: 4500, hash: hashOf(4500) });
    expect(lines().filter((l) => l['event'] === 'disconnected')).toHaveLength(1);
  }, 60_000);

  it('exits 0 on SIGTERM while it waits', async () => {
    await node.stop();
    const headers = start(['headers', `127.0.0.1:${node.port}`, '--network', 'regtest']);
    await headers.next(isEvent('waiting'), 'waiting');
    headers.child.kill('SIGTERM');
    expect(await within(headers.exited, 10_000, 'exit after SIGTERM')).toBe(0);
  });
});

describe('rxbtc follow when its node restarts', () => {
  it('prints the blocks of the node after it came back, and exits 0 on Ctrl-C', async () => {
    await node.mine(10);
    const peer = `127.0.0.1:${node.port}`;
    const follow = start(['follow', peer, '--network', 'regtest']);
    await follow.next(isEvent('connected', { peer }), 'connected');
    await node.stop();
    await follow.next(isEvent('waiting'), 'waiting');
    await node.restart();
    const back = follow.lines.length;
    await follow.next(isEvent('connected', { peer }), 'connected again', 20_000, back);
    await sleep(500); // sendcmpct exchanged
    await node.mine(1);
    expect(await follow.next(isEvent('block'), 'the new block', 20_000, back)).toMatchObject({ height: 11, hash: hashOf(11), peer });
    follow.child.kill('SIGINT');
    expect(await within(follow.exited, 10_000, 'exit after Ctrl-C')).toBe(0);
  }, 60_000);
});

/** The node's block hash at `height`, display hex. */
function hashOf(height: number): string {
  return hashToHex(blockHash(node.blocks[height]!.header));
}
