import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashToHex, networks, scriptToAddress, txid } from '../../lib/index.js';
import { cliBundle } from '../helpers/cli-bundle.js';
import { startFilterNode, type FilterNode } from '../helpers/filter-node.js';
import { eventually } from '../helpers/loopback.js';
import { useRegtestNode } from '../helpers/regtest.js';
import type { Payment } from '../helpers/synthetic-blocks.js';

/**
 * `rxbtc watch --datadir` as a real child process, killed with SIGKILL at random moments and started again: what it
 * prints over all its lives is what one uninterrupted run prints, each event once.
 */
const network = networks.regtest;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** `p`, or a failure naming `what` after `ms`: a child that hangs fails the test with a reason, not a jest timeout. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

interface Life {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr: string;
  exited: Promise<number | null>;
  /** Resolves with the `resumed` line once printed. */
  resumed: Promise<Record<string, unknown>>;
}

let bundle: string;
beforeAll(async () => {
  bundle = await cliBundle();
});

/** Start `rxbtc ARGS --json`; every JSON line it prints is kept. */
function start(args: string[]): Life {
  const child = spawn(process.execPath, [bundle, ...args, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  let pending = '';
  let onResumed: (l: Record<string, unknown>) => void = () => undefined;
  const life: Life = {
    child,
    lines,
    stderr: '',
    exited: within(new Promise((r) => child.on('exit', (code) => r(code))), 60_000, 'exit'),
    resumed: within(new Promise((r) => (onResumed = r)), 15_000, 'the resumed line'),
  };
  child.stdout.on('data', (d: Buffer) => {
    pending += d.toString();
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = JSON.parse(pending.slice(0, nl)) as Record<string, unknown>;
      pending = pending.slice(nl + 1);
      lines.push(line);
      if (line['event'] === 'resumed') onResumed(line);
    }
  });
  child.stderr.on('data', (d: Buffer) => (life.stderr += d.toString()));
  return life;
}

const txLines = (lives: Life[]): Record<string, unknown>[] => lives.flatMap((l) => l.lines).filter((l) => l['event'] === 'tx');
/** A printed field as text (numbers and strings; absent is empty). */
const field = (l: Record<string, unknown>, k: string): string => {
  const v = l[k];
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
};
const keyOf = (l: Record<string, unknown>): string =>
  `${field(l, 'txid')}:${field(l, 'status')}:${field(l, 'height')}:${field(l, 'blockHash')}`;

async function kill(life: Life): Promise<void> {
  life.child.kill('SIGKILL');
  await life.exited;
}

/** Stop with Ctrl-C (SIGINT) once it has resumed, and check it ended cleanly. */
async function interrupt(life: Life): Promise<void> {
  await life.resumed;
  life.child.kill('SIGINT');
  expect(await within(life.exited, 10_000, 'exit after Ctrl-C')).toBe(0);
}

describe('rxbtc watch --datadir, killed and restarted (BIP158, the project’s own server)', () => {
  let node: FilterNode;
  beforeAll(async () => {
    node = await startFilterNode();
  });
  afterAll(async () => {
    await node.close();
  });

  it(
    '24 kills -9 during a rescan and while following live: the union of what it printed equals one uninterrupted run, with no duplicates',
    async () => {
      const watched = Uint8Array.from([0x00, 0x14, ...randomBytes(20)]);
      const address = scriptToAddress(watched, network)!;
      const pays = (h: number): Payment[] => (h % 97 === 13 ? [{ script: watched, value: BigInt(10_000 + h) }] : []);
      await node.mine(4000, pays); // 41 payments to find in the rescan
      const dir = mkdtempSync(join(tmpdir(), 'rxbtc-restart-'));
      const args = (first: boolean): string[] => [
        'watch',
        `127.0.0.1:${node.port}`,
        '--network',
        'regtest',
        '--address',
        address,
        '--datadir',
        dir,
        ...(first ? ['--from', '1'] : []),
      ];
      const lives: Life[] = [];
      let kills = 0;
      let step = '';
      try {
        // During the rescan: killed 0–400 ms after it printed its first payment (or, once nothing is left to find, 2 s
        // after it said where it resumed from): each life is at work when killed, however fast the machine.
        for (let i = 0; i < 12; i++) {
          const life = start(args(i === 0));
          lives.push(life);
          step = `rescan ${i}`;
          await life.resumed;
          await eventually(() => txLines([life]).length > 0, 2000).catch(() => undefined);
          await sleep(Math.random() * 400);
          await kill(life);
          kills++;
        }
        // Following live: blocks (some paying) are mined while it runs and while it is down.
        for (let i = 0; i < 12; i++) {
          if (i % 3 === 0) await node.mine(2, pays);
          const life = start(args(false));
          lives.push(life);
          step = `live ${i}`;
          await life.resumed;
          await node.mine(1 + (i % 3), (h) => (i % 2 === 0 ? [{ script: watched, value: BigInt(h) }] : pays(h)));
          // Every other life is paid while it runs: killed once it told one of those (or after 3 s), so it was at work.
          if (i % 2 === 0) await eventually(() => txLines([life]).length > 0, 3000).catch(() => undefined);
          await sleep(Math.random() * 300);
          await kill(life);
          kills++;
        }
        const expected = node.blocks.flatMap((b, h) =>
          b.transactions[0]!.outputs.some((o) => Buffer.from(o.script).equals(Buffer.from(watched)))
            ? [`${hashToHex(txid(b.transactions[0]!))}:confirmed:${h}`]
            : [],
        );
        step = 'last';
        const last = start(args(false));
        lives.push(last);
        const seen = (): string[] => txLines(lives).map((l) => `${String(l['txid'])}:${String(l['status'])}:${String(l['height'])}`);
        await eventually(() => expected.every((e) => seen().includes(e)), 30_000);
        await last.resumed;
        await sleep(1500);
        await interrupt(last);
        // It caught up with the tip (every block checked), so nothing it could still tell was cut off.
        expect(last.lines.find((l) => l['event'] === 'checked')).toMatchObject({ height: node.height });

        step = 'reference';
        const fresh = mkdtempSync(join(tmpdir(), 'rxbtc-reference-'));
        const reference = start([
          'watch',
          `127.0.0.1:${node.port}`,
          '--network',
          'regtest',
          '--address',
          address,
          '--from',
          '1',
          '--datadir',
          fresh,
        ]);
        await eventually(
          () =>
            expected.every((e) =>
              txLines([reference]).some((l) => e === `${String(l['txid'])}:${String(l['status'])}:${String(l['height'])}`),
            ),
          30_000,
        );
        await sleep(1500);
        await interrupt(reference);
        expect(reference.lines.find((l) => l['event'] === 'checked')).toMatchObject({ height: node.height });
        rmSync(fresh, { recursive: true, force: true });

        expect(kills).toBeGreaterThanOrEqual(20);
        const union = txLines(lives).map(keyOf);
        // An event is recorded right after it is printed (the record was encoded before; microseconds of CPU, but a
        // loaded machine can deschedule the child in between for milliseconds): a kill -9 that falls between the two has it printed again by the next life that prints anything (a life killed
        // before its first line prints nothing), as its first line. That, and nothing else, may repeat.
        const printing = lives.filter((l) => txLines([l]).length > 0);
        const window = printing.flatMap((l, i) => {
          const last = txLines([l]).at(-1);
          const next = printing[i + 1] && txLines([printing[i + 1]!])[0];
          return last && next && keyOf(last) === keyOf(next) ? [keyOf(last)] : [];
        });
        expect(union.length - new Set(union).size).toBe(window.length);
        expect(window.length).toBeLessThanOrEqual(1);
        expect(new Set(union)).toEqual(new Set(txLines([reference]).map(keyOf)));
        expect(new Set(union).size).toBe(expected.length);
        // It really was interrupted while at work: several lives printed events, and the rescan took several lives.
        expect(lives.filter((l) => l.lines.some((x) => x['event'] === 'tx')).length).toBeGreaterThan(3);
        expect(lives.map((l) => l.stderr).join('')).toBe('');
      } catch (e) {
        if (process.env['DEBUG_RESTART'])
          for (const l of lives)
            console.log(
              step,
              JSON.stringify(l.lines.filter((x) => x['event'] !== 'tx')).slice(0, 160),
              l.stderr,
              txLines([l]).map((x) => `${field(x, 'height')}:${field(x, 'time').slice(17)}`),
            );
        throw e;
      } finally {
        for (const l of lives) l.child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      }
    },
    Number(process.env['RESTART_TIMEOUT'] ?? 180_000),
  );
});

describe('rxbtc watch --datadir against bcoin (BIP37): payments made while it is down', () => {
  const regtest = useRegtestNode({ blocks: 105 });

  it('reports on restart what was paid and mined while it was down, tells the mempool stage once, and nothing twice', async () => {
    const watched = Uint8Array.from([0x00, 0x14, ...randomBytes(20)]);
    const address = scriptToAddress(watched, network)!;
    const dir = mkdtempSync(join(tmpdir(), 'rxbtc-restart-37-'));
    const args = [
      'watch',
      `127.0.0.1:${regtest().port}`,
      '--network',
      'regtest',
      '--address',
      address,
      '--method',
      'bip37',
      '--datadir',
      dir,
    ];
    const lives: Life[] = [];
    /**
     * Event records in the wallet log. An event is printed, then recorded: on a loaded machine the child can be
     * descheduled between the two for milliseconds, and a kill there loses the record (the next life tells it
     * again: the BIP158 test above allows exactly that). This test is about what a restart tells, so it kills a life
     * only once the events it printed are on disk.
     */
    const eventsInLog = (): number =>
      (readFileSync(join(dir, 'regtest-wallet', 'wallet.log'), 'latin1').match(/"type":"event"/g) ?? []).length;
    /** bcoin holds one peer (a killed life's is gone) and it has loaded its bloom filter: a payment now is relayed to it. */
    const filterLoaded = (): boolean => {
      const peers = [];
      for (let p = regtest().node.pool.peers.head(); p; p = p.next) peers.push(p);
      return peers.length === 1 && peers[0]!.spvFilter !== null;
    };
    const statuses = (id: string): string[] =>
      txLines(lives)
        .filter((l) => l['txid'] === id)
        .map((l) => `${field(l, 'status')}@${field(l, 'height') || '-'}`);
    try {
      const first = start([...args, '--from', String(regtest().height + 1)]);
      lives.push(first);
      await first.resumed;
      await eventually(filterLoaded, 15_000);
      const a = hashToHex(await regtest().pay([{ script: watched, value: 1_000_000 }]));
      await eventually(() => statuses(a).length === 1, 20_000);
      await eventually(() => eventsInLog() === 1, 5_000);
      await kill(first);

      await regtest().mine(1); // a confirmed while it is down
      const b = hashToHex(await regtest().pay([{ script: watched, value: 2_000_000 }]));
      await regtest().mine(1); // b paid and confirmed while it is down: never seen in a mempool
      const second = start(args);
      lives.push(second);
      expect(await second.resumed).toMatchObject({ events: 1, reorged: 0 });
      await eventually(() => statuses(a).length === 2 && statuses(b).length === 1, 20_000);
      await eventually(() => eventsInLog() === 3, 5_000);
      await kill(second);

      const third = start(args); // nothing new: it must print nothing
      lives.push(third);
      expect(await third.resumed).toMatchObject({ events: 3, reorged: 0 });
      await eventually(filterLoaded, 15_000);
      const c = hashToHex(await regtest().pay([{ script: watched, value: 3_000_000 }]));
      await eventually(() => statuses(c).length === 1, 20_000); // bcoin announces a transaction within about 5 s
      await regtest().mine(1);
      await eventually(() => statuses(c).length === 2, 20_000);
      await interrupt(third);

      const h = regtest().height;
      expect([statuses(a), statuses(b), statuses(c)]).toEqual([
        ['mempool@-', `confirmed@${h - 2}`],
        [`confirmed@${h - 1}`],
        ['mempool@-', `confirmed@${h}`],
      ]);
      expect(third.lines.filter((l) => l['event'] === 'tx').map((l) => l['txid'])).toEqual([c, c]);
    } catch (e) {
      if (process.env['DEBUG_RESTART']) for (const l of lives) console.log(JSON.stringify(l.lines), l.stderr);
      throw e;
    } finally {
      for (const l of lives) l.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
