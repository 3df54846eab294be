import { switchMap, takeWhile } from 'rxjs';
import { ChainError } from '../chain/errors.js';
import type { HeaderChain } from '../chain/header-chain.js';
import type { Pool } from '../pool/pool.js';
import { syncHeaders, type SyncProgress } from '../spv/sync-headers.js';
import { cliPool, type ChainPeerArguments } from './cli-pool.js';
import { announceStart, openPoolChain } from './command-chain.js';
import { commandEnd } from './command-end.js';
import { explainError } from './explain-error.js';
import { firstRound } from './first-round.js';
import type { CliIO } from './io.js';
import { eventWriter, type EventWriter } from './output.js';
import { tellPeers } from './peer-lines.js';
import { ProgressBar, type ProgressOutput } from './progress-bar.js';

/** Where the chain of `headers` and `watch` is opened (moved to command-chain.ts; bench/state imports it from here). */
export { openChain, type ChainSpec } from './command-chain.js';

/** Options of {@link runHeaders}. */
export type HeadersCommand = ChainPeerArguments;

/** Chain work as Core prints it: 64 hex digits. */
const workHex = (w: bigint): string => w.toString(16).padStart(64, '0');

/** Progress as a JSON line, a bar on a terminal, or Core's log line. */
function progressWriter(cmd: HeadersCommand, io: CliIO, emit: EventWriter, bar: ProgressOutput): (p: SyncProgress) => void {
  const progress = new ProgressBar('headers', 1, bar);
  return (p) => {
    if (cmd.json) {
      emit('progress', '', {
        peer: p.peer.stats().address,
        height: p.height,
        best: p.bestKnownHeight,
        headersPerSecond: Math.round(p.headersPerSecond),
      });
    } else if (bar.isTTY) {
      progress.setTotal(p.bestKnownHeight);
      progress.update(p.height);
    } else {
      io.out(`Synchronizing blockheaders, height: ${p.height} (~${((100 * p.height) / Math.max(1, p.bestKnownHeight)).toFixed(2)}%)`);
    }
  };
}

/**
 * Sync `chain` through the pool once its first round of dials is over
 * (the best peer first), until a peer says it has nothing more: then a
 * `synced` line and 0. Never ends while peers come and go; stops (and
 * never resolves) once `until` does.
 */
function syncOnce(
  cmd: HeadersCommand,
  pool: Pool,
  chain: HeaderChain,
  until: Promise<unknown>,
  lines: { show: (p: SyncProgress) => void; emit: EventWriter },
): Promise<number> {
  return new Promise<number>((resolve) => {
    const sub = firstRound(pool, cmd)
      .pipe(
        switchMap(() => syncHeaders(pool, chain)),
        takeWhile((p) => !p.synced, true),
      )
      .subscribe({
        next: (p) => {
          lines.show(p);
          if (!p.synced) return;
          const tip = p.tip;
          const label = p.peer.stats().address;
          lines.emit('synced', `synced: height ${tip.height}, hash ${tip.hashHex}, chainwork ${workHex(tip.chainWork)} (from ${label})`, {
            height: tip.height,
            hash: tip.hashHex,
            chainwork: workHex(tip.chainWork),
            peer: label,
          });
        },
        complete: () => resolve(0),
      });
    void until.then(() => sub.unsubscribe());
  });
}

/**
 * `rxbtc headers HOST[:PORT]... [--peers N] [--dns-seed]`: sync and verify
 * headers through a pool of peers (the best one first; the next when a peer
 * fails, stalls or serves an invalid header, which gets it banned) until
 * the chain is caught up, then print `synced`. A peer that goes away is
 * redialled; with none left it waits (a `waiting` line). Exits 1 only when
 * no named peer can ever serve it (each banned, on another network, or on a
 * chain that fails validation); Ctrl-C exits 0. Resolves with the exit code.
 */
export async function runHeaders(cmd: HeadersCommand, io: CliIO, bar: ProgressOutput = process.stderr): Promise<number> {
  const emit = eventWriter(io, cmd.json);
  const pool = cliPool(cmd);
  let chain: HeaderChain | undefined;
  const told = tellPeers(pool, cmd, emit, { height: () => chain?.height ?? 0 });
  const ending = commandEnd(io, pool, cmd, (why) =>
    emit('failed', `no peer can serve the headers: ${why}`, { error: why, height: chain?.height ?? 0 }),
  );
  try {
    try {
      chain = await openPoolChain(cmd, pool, ending.code);
    } catch (e) {
      if (!(e instanceof ChainError)) throw e;
      emit('failed', explainError(e, cmd.network), { error: e.message });
      return 1;
    }
    if (!chain) return await ending.code;
    announceStart(chain, emit);
    if (chain.height > chain.root.height)
      emit('resumed', `resuming at height ${chain.height} (${chain.tip.hashHex})`, { height: chain.height, hash: chain.tip.hashHex });
    const synced = syncOnce(cmd, pool, chain, ending.code, { show: progressWriter(cmd, io, emit, bar), emit });
    return await Promise.race([synced, ending.code]);
  } finally {
    ending.dispose();
    told.unsubscribe();
    await pool.close();
    await chain?.close();
  }
}
