import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FromFilterServer, MinimumBytes } from './recovery/filter-server.js';
import {
  BIRTHDAY,
  CHAIN_LENGTH,
  CHECKPOINT_HEIGHT,
  EARLY_PAYMENT,
  PAYMENT_HEIGHTS,
  WALLET_DESCRIPTOR,
  walletScripts,
  type WalletKind,
} from './recovery/wallet-chain.js';
import { timedProcess } from './state/timed-process.js';
import { fmt, show, spreadOf } from './spread.js';

const MB = 1024 * 1024;

/** A connection the server saw end. */
interface Closed {
  bytesSent: number;
  transport: 'v1' | 'v2';
}

interface Server {
  port: number;
  checkpoint: string;
  minimum: Record<'v1' | 'v2', MinimumBytes>;
  /** Bytes sent over the next connection to close, and its transport. */
  nextClosed: () => Promise<Closed>;
  close: () => void;
}

async function startServer(cache: string, kind: WalletKind): Promise<Server> {
  const child = fork(resolve(import.meta.dirname, 'recovery', 'filter-server.js'), [cache], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, RXBTC_BENCH_WALLET: kind },
  });
  const closed: Closed[] = [];
  let waiting: ((c: Closed) => void) | undefined;
  const ready = await new Promise<Extract<FromFilterServer, { type: 'ready' }>>((done, fail) => {
    child.on('message', (m: FromFilterServer) => {
      if (m.type === 'ready') done(m);
      else if (waiting) {
        waiting(m);
        waiting = undefined;
      } else closed.push(m);
    });
    child.on('error', fail);
    child.on('exit', (code) => fail(new Error(`the filter server exited (${code})`)));
  });
  return {
    port: ready.port,
    checkpoint: ready.checkpoint,
    minimum: ready.minimum,
    nextClosed: () => (closed.length > 0 ? Promise.resolve(closed.shift()!) : new Promise<Closed>((done) => (waiting = done))),
    close: () => child.disconnect(),
  };
}

/** Footprint target: peak RSS of a recovery, and of a checkpoint start, with nothing set by the user (kyoto: 73.5 MB). */
const FOOTPRINT_MB = 64;

/**
 * Wallet recovery from a birthday: a synthetic regtest chain of 900,000
 * coin-base-only blocks served by rxbtc's own BIP157 server in another
 * process; `rxbtc watch --once --datadir` (a fresh one) with a wallet of 100 scripts, birthday
 * 835,000, from a checkpoint just below it, in a process measured by
 * /usr/bin/time (peak RSS) from spawn to exit. Checks that the 20 payments
 * from the birthday are found and the one before it is not, and compares
 * the bytes the server sent with the least the protocol needs. Each round
 * runs the command as users do (it sizes V8's heap itself) and once more
 * with V8's defaults (`RXBTC_V8_DEFAULTS=1`), for what that sizing buys;
 * then `rxbtc headers --checkpoint` over the same 65,377 headers alone.
 */
export async function runRecovery(rounds: number): Promise<{ met: boolean; line: string }[]> {
  return [...(await recover(rounds, 'scripts')), ...(await recover(rounds, 'descriptor'))];
}

/** `rxbtc headers --checkpoint` from the recovery's checkpoint to the tip (memory only): peak RSS and time of each round. */
async function checkpointStarts(server: Server, n: number): Promise<{ rss: number[]; wall: number[] }> {
  const cli = resolve(import.meta.dirname, 'state', 'rxbtc-cli.js');
  const rss: number[] = [];
  const wall: number[] = [];
  for (let round = 0; round < n; round++) {
    const run = await timedProcess([
      cli,
      'headers',
      `127.0.0.1:${server.port}`,
      '--network',
      'regtest',
      '--checkpoint',
      `${CHECKPOINT_HEIGHT}:${server.checkpoint}`,
      '--json',
    ]);
    if (run.code !== 0 || !run.lines.some((l) => l.text.includes(`"event":"synced"`) && l.text.includes(`"height":${CHAIN_LENGTH}`)))
      throw new Error(`checkpoint start failed: ${run.lines.map((l) => l.text).join('\n')}`);
    await server.nextClosed();
    rss.push(run.maxRss);
    wall.push(run.ms);
  }
  return { rss, wall };
}

async function recover(rounds: number, kind: WalletKind): Promise<{ met: boolean; line: string }[]> {
  const cache = join(process.cwd(), '.bench-cache', `recovery-wallet-${kind === 'scripts' ? '' : 'descriptor-'}${CHAIN_LENGTH}.bin`);
  const server = await startServer(cache, kind);
  const cli = resolve(import.meta.dirname, 'state', 'rxbtc-cli.js');
  const args = [
    cli,
    'watch',
    `127.0.0.1:${server.port}`,
    '--network',
    'regtest',
    ...(kind === 'scripts'
      ? walletScripts().flatMap((s) => ['--script', Buffer.from(s).toString('hex')])
      : ['--descriptor', WALLET_DESCRIPTOR, '--gap-limit', '20']),
    '--from',
    String(BIRTHDAY),
    '--checkpoint',
    `${CHECKPOINT_HEIGHT}:${server.checkpoint}`,
    '--once',
    '--json',
  ];
  const wall: number[] = [];
  const rss: number[] = [];
  const defaultsRss: number[] = [];
  const defaultsWall: number[] = [];
  const received: number[] = [];
  const transports = new Set<string>();
  let found = true;
  let starts: { rss: number[]; wall: number[] } = { rss: [], wall: [] };
  const n = Math.max(3, Math.min(rounds, 5));
  try {
    for (let round = 0; round < n; round++) {
      for (const defaults of [false, true]) {
        const dir = mkdtempSync(join(tmpdir(), 'rxbtc-recovery-bench-'));
        try {
          // With V8's defaults: what the command's own heap sizing (lib/cli/heap-policy.ts) saves, and what it costs.
          const env = defaults ? { ...process.env, RXBTC_V8_DEFAULTS: '1' } : process.env;
          const run = await timedProcess([...args, '--datadir', dir], undefined, { env });
          const lines = run.lines.map((l) => JSON.parse(l.text) as Record<string, unknown>);
          const heights = lines.filter((l) => l['event'] === 'tx' && l['status'] === 'confirmed').map((l) => l['height'] as number);
          const checked = lines.find((l) => l['event'] === 'checked');
          if (run.code !== 0 || checked?.['height'] !== CHAIN_LENGTH)
            throw new Error(`recovery failed: ${run.lines.map((l) => l.text).join('\n')}`);
          // A descriptor wallet finds two payments out of height order (by checking the blocks before again).
          const sorted = [...new Set(heights)].sort((a, b) => a - b);
          found &&= sorted.join() === PAYMENT_HEIGHTS.join() && !heights.includes(EARLY_PAYMENT);
          const sent = await server.nextClosed();
          if (defaults) {
            defaultsRss.push(run.maxRss);
            defaultsWall.push(run.ms);
            continue;
          }
          wall.push(run.ms);
          rss.push(run.maxRss);
          received.push(sent.bytesSent);
          transports.add(sent.transport);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
    if (kind === 'scripts') starts = await checkpointStarts(server, n);
  } finally {
    server.close();
  }
  // The CLI speaks BIP324 v2 where the server does (rxbtc's does): the least is counted with the framing used.
  const transport = transports.size === 1 && transports.has('v1') ? 'v1' : 'v2';
  if (transports.size !== 1) throw new Error(`the recoveries used ${[...transports].join(' and ')}`);
  const m = server.minimum[transport];
  const least = m.headers + m.filterHeaders + m.filters + m.blocks;
  console.log(
    `\nwallet recovery — ${fmt(CHAIN_LENGTH)} synthetic blocks, rxbtc's BIP157 server in another process, ${kind === 'scripts' ? '100 scripts' : 'an HD wallet (wpkh descriptor, gap limit 20; two payments beyond the gap when scanned)'}, birthday ${fmt(BIRTHDAY)}, checkpoint ${fmt(CHECKPOINT_HEIGHT)}; ${n} rounds, min / median / max`,
  );
  console.table({
    'rxbtc watch --once --datadir: spawn → exit': show(
      wall.map((x) => x / 1000),
      's',
      2,
    ),
    'peak RSS of the recovering process': show(
      rss.map((b) => b / MB),
      'MiB',
      1,
    ),
    'the same with V8 defaults (RXBTC_V8_DEFAULTS=1): spawn → exit': show(
      defaultsWall.map((x) => x / 1000),
      's',
      2,
    ),
    'the same with V8 defaults: peak RSS': show(
      defaultsRss.map((b) => b / MB),
      'MiB',
      1,
    ),
    [`bytes received (over ${transport})`]: show(
      received.map((b) => b / MB),
      'MiB',
      3,
    ),
    'least the protocol needs (headers + filter headers from the checkpoint, filters from the birthday, the paid blocks)': `${fmt(least / MB, 3)} MiB (${fmt(m.headers / MB, 3)} + ${fmt(m.filterHeaders / MB, 3)} + ${fmt(m.filters / MB, 3)} + ${fmt(m.blocks / 1024, 1)} KiB)`,
    'received / least': show(
      received.map((b) => b / least),
      '×',
      3,
    ),
  });
  const worst = (xs: number[]): number => spreadOf(xs)[2];
  const what = kind === 'scripts' ? '100 scripts' : 'descriptor';
  return [
    { met: found, line: `${what}: every round found the 20 payments from the birthday and not the one before it: ${found ? 'yes' : 'no'}` },
    {
      met: worst(rss) <= 128 * MB,
      line: `${what}: recovering process peak RSS ≤ 128 MB in every round: ${fmt(worst(rss) / MB, 1)} MiB`,
    },
    {
      met: worst(rss) <= FOOTPRINT_MB * MB,
      line: `${what}: recovering process peak RSS ≤ ${FOOTPRINT_MB} MB in every round (nothing set by the user): ${fmt(worst(rss) / MB, 1)} MiB`,
    },
    ...(starts.rss.length === 0
      ? []
      : [
          {
            met: worst(starts.rss) <= FOOTPRINT_MB * MB,
            line: `rxbtc headers --checkpoint ${fmt(CHECKPOINT_HEIGHT)} (${fmt(CHAIN_LENGTH - CHECKPOINT_HEIGHT)} headers, memory only): peak RSS ≤ ${FOOTPRINT_MB} MB in every round: ${show(
              starts.rss.map((b) => b / MB),
              'MiB',
              1,
            )}, ${show(
              starts.wall.map((x) => x / 1000),
              's',
              2,
            )}`,
          },
        ]),
  ];
}
