import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { networks, scriptToAddress } from '../../lib/index.js';
import { cliBundle } from '../helpers/cli-bundle.js';
import { startFilterNode, type FilterNode } from '../helpers/filter-node.js';
import type { Payment } from '../helpers/synthetic-blocks.js';
import { walletTxsIn } from '../helpers/wallet-blocks.js';
import { startCli, within, type CliChild, type Line } from './fixtures/cli-child.js';

/*
 * What spec/cli/peers-return.spec.ts leaves open: its recovery test tells every payment once, but a watch that
 * started its recovery over after the node came back would too (the wallet drops what it told already). Here the
 * long-running form (`--datadir`, no `--once`) loses its only node in the middle of a BIP158 recovery, and the node's
 * own record of what it was asked shows the watch went on from where it was: no filter, and no filter header, of a
 * block it had checked is asked for again.
 */
const network = networks.regtest;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const BLOCKS = 4000;

let bundle: string;
let node: FilterNode;
let dir: string;
let watch: CliChild | undefined;
beforeAll(async () => {
  bundle = await cliBundle();
  node = await startFilterNode();
  dir = mkdtempSync(join(tmpdir(), 'rxbtc-return-resume-'));
});
afterAll(async () => {
  watch?.child.kill('SIGKILL');
  await node.close();
  rmSync(dir, { recursive: true, force: true });
});

const isEvent = (event: string) => (l: Line) => l['event'] === event;

describe('rxbtc watch --datadir when its only node restarts in the middle of a BIP158 recovery', () => {
  it('goes on from the first block not checked: no filter or filter header of a block it checked asked again, each payment told once', async () => {
    const script = Uint8Array.from([0x00, 0x14, ...randomBytes(20)]);
    const address = scriptToAddress(script, network)!;
    const pays = (h: number): Payment[] => (h % 97 === 7 ? [{ script, value: BigInt(h) }] : []);
    await node.mine(BLOCKS, pays);
    const expected = [...walletTxsIn(node.blocks, script)].map(([id, p]) => `${id}:confirmed:${p.height}`);
    const peer = `127.0.0.1:${node.port}`;
    watch = startCli(bundle, ['watch', peer, '--network', 'regtest', '--address', address, '--from', '1', '--datadir', dir]);
    const w = watch;
    await w.next(isEvent('tx'), 'the first payment');
    await node.stop();
    const told = w.events('tx');
    const reached = Math.max(...told.map((l) => Number(l['height'])));
    expect(told.length).toBeLessThan(expected.length); // really in the middle
    const filtersBefore = node.cfiltersAsked.length;
    const headersBefore = node.cfheadersFrom.length;
    await w.next(isEvent('waiting'), 'waiting');
    await sleep(2500);
    expect(w.child.exitCode).toBeNull();
    const down = w.lines.length;

    await node.restart();
    await w.next(isEvent('connected'), 'connected again', 20_000, down);
    await w.next(isEvent('balance'), 'caught up', 60_000, down);
    w.child.kill('SIGINT');
    expect(await within(w.exited, 10_000, 'exit after Ctrl-C')).toBe(0);

    expect(w.events('tx').map((l) => `${String(l['txid'])}:${String(l['status'])}:${String(l['height'])}`)).toEqual(expected);
    expect(w.lines.at(-1)).toMatchObject({ event: 'checked', height: BLOCKS });
    const filtersAfter = node.cfiltersAsked.slice(filtersBefore);
    expect(filtersAfter.length).toBeGreaterThan(0);
    expect(Math.min(...filtersAfter.map((r) => r.from))).toBeGreaterThan(reached);
    // A block's filter is scanned only once its filter header is verified: after the restart no filter header of a
    // block it had scanned is asked again (those above may be: a run in flight at the stop, or not asked yet).
    expect(node.cfheadersFrom.slice(headersBefore).filter((h) => h <= reached)).toEqual([]);
    expect(w.stderr()).toBe('');
  }, 120_000);
});
