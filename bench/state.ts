import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FromHeaderServer, ToHeaderServer } from './state/header-server.js';
import type { OpenChainReport } from './state/open-chain.js';
import { syntheticHeaders } from './state/synthetic-chain.js';
import { timedProcess } from './state/timed-process.js';
import { fmt, show, spreadOf } from './spread.js';

/** Headers synced from scratch. */
const SYNCED = 900_000;
/** Headers the server has when the datadir is reopened: the chain grew while the wallet was down. */
const GROWN = 901_000;
const MB = 1024 * 1024;

const here = (f: string): string => resolve(import.meta.dirname, 'state', f);

interface HeaderServer {
  port: number;
  firstGetheaders: () => Promise<number>;
  setHeight: (h: number) => void;
  close: () => void;
}

async function startServer(file: string, height: number): Promise<HeaderServer> {
  const child = fork(here('header-server.js'), [file, String(height)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let waiting: ((at: number) => void) | undefined;
  const port = await new Promise<number>((done, fail) => {
    child.on('message', (m: FromHeaderServer) => {
      if (m.type === 'ready') done(m.port);
      else waiting?.(m.at);
    });
    child.on('error', fail);
  });
  return {
    port,
    firstGetheaders: () => new Promise<number>((done) => (waiting = done)),
    setHeight: (h) => child.send({ type: 'height', height: h } satisfies ToHeaderServer),
    close: () => child.disconnect(),
  };
}

/**
 * Mainnet-sized state: a synthetic regtest chain of 900,000 headers served
 * from another process; `rxbtc headers --datadir` syncs it (rate, peak RSS
 * by /usr/bin/time), then reopens the datadir against a server 1,000 headers
 * further (time from spawn to the first getheaders reaching the server, peak
 * RSS), and a child opens the chain to count heap bytes per header.
 */
export async function runState(rounds: number): Promise<{ met: boolean; line: string }[]> {
  const file = syntheticHeaders(join(process.cwd(), '.bench-cache', `regtest-${GROWN}.headers`), GROWN);
  const server = await startServer(file, SYNCED);
  const cli = here('rxbtc-cli.js');
  const rate: number[] = [];
  const syncRss: number[] = [];
  const reopenMs: number[] = [];
  const reopenRss: number[] = [];
  const perHeader: number[] = [];
  const openMs: number[] = [];
  const n = Math.max(3, Math.min(rounds, 5));
  try {
    for (let round = 0; round < n; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'rxbtc-state-bench-'));
      try {
        server.setHeight(SYNCED);
        const first = server.firstGetheaders();
        const sync = await timedProcess([cli, 'headers', `127.0.0.1:${server.port}`, '--network', 'regtest', '--datadir', dir, '--json']);
        const synced = sync.lines.find((l) => l.text.includes('"event":"synced"'));
        if (sync.code !== 0 || !synced?.text.includes(`"height":${SYNCED}`))
          throw new Error(`sync failed: ${sync.lines.map((l) => l.text).join('\n')}`);
        rate.push(SYNCED / ((synced.at - (await first)) / 1000));
        syncRss.push(sync.maxRss);

        server.setHeight(GROWN);
        const again = server.firstGetheaders();
        const reopen = await timedProcess([cli, 'headers', `127.0.0.1:${server.port}`, '--network', 'regtest', '--datadir', dir, '--json']);
        if (reopen.code !== 0 || !reopen.lines.some((l) => l.text.includes(`"height":${GROWN}`))) throw new Error('reopen failed');
        reopenMs.push((await again) - reopen.startedAt);
        reopenRss.push(reopen.maxRss);

        const open = await timedProcess(['--expose-gc', here('open-chain.js'), dir]);
        const report = JSON.parse(open.lines.at(-1)!.text) as OpenChainReport;
        perHeader.push((report.heapBytes + report.externalBytes) / report.height);
        openMs.push(report.openMs);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    server.close();
  }
  console.log(
    `\nmainnet-sized state — ${SYNCED.toLocaleString('en-US')} synthetic regtest headers from another process, ${n} rounds, min / median / max`,
  );
  console.table({
    'sync rate (rxbtc headers --datadir)': show(rate, 'headers/s'),
    'sync: peak RSS': show(
      syncRss.map((b) => b / MB),
      'MB',
      1,
    ),
    'reopen: spawn → first getheaders': show(reopenMs, 'ms'),
    'reopen: peak RSS (whole run, +1,000 headers)': show(
      reopenRss.map((b) => b / MB),
      'MB',
      1,
    ),
    'open the chain in process': show(openMs, 'ms'),
    'heap + ArrayBuffer bytes per header': show(perHeader, 'B', 1),
  });
  const [rateMin] = spreadOf(rate);
  const worst = (xs: number[]): number => spreadOf(xs)[2];
  return [
    { met: rateMin >= 100_000, line: `sync ≥ 100,000 headers/s in the slowest round: ${fmt(rateMin)}` },
    { met: worst(syncRss) <= 150 * MB, line: `sync peak RSS ≤ 150 MB in every round: ${fmt(worst(syncRss) / MB, 1)} MB` },
    { met: worst(reopenMs) <= 1000, line: `reopen to the first getheaders ≤ 1 s in every round: ${fmt(worst(reopenMs))} ms` },
    { met: worst(reopenRss) <= 150 * MB, line: `reopen peak RSS ≤ 150 MB in every round: ${fmt(worst(reopenRss) / MB, 1)} MB` },
    // The footprint targets, with nothing set by the user (the command sizes V8's heap itself).
    { met: worst(syncRss) <= 100 * MB, line: `footprint: sync peak RSS ≤ 100 MB in every round: ${fmt(worst(syncRss) / MB, 1)} MiB` },
    { met: worst(reopenRss) <= 64 * MB, line: `footprint: reopen peak RSS ≤ 64 MB in every round: ${fmt(worst(reopenRss) / MB, 1)} MiB` },
    { met: worst(perHeader) <= 64, line: `≤ 64 heap bytes per header in every round: ${fmt(worst(perHeader), 1)}` },
  ];
}
