import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Subscription, filter, race, switchMap, take, timer } from 'rxjs';
import { fileHeaderStore } from '../chain/file-header-store.js';
import { ChainError } from '../chain/errors.js';
import type { HeaderChain } from '../chain/header-chain.js';
import type { Checkpoint } from '../chain/params.js';
import type { Peer } from '../peer/peer-api.js';
import { openHeaderChain } from '../spv/open-header-chain.js';
import type { PeerSet } from '../spv/peer-set.js';
import { endpointKey } from '../pool/endpoint.js';
import { DEFAULT_OUTBOUND } from '../pool/pool-options.js';
import { cliPool } from './cli-pool.js';
import { eventWriter, onInterrupt, type EventWriter } from './output.js';
import { syncHeaders, type SyncProgress } from '../spv/sync-headers.js';
import type { Network } from '../wire/networks.js';
import type { CliIO } from './main.js';
import { explainError } from './explain-error.js';
import { ProgressBar, type ProgressOutput } from './progress-bar.js';

/** Options of {@link runHeaders}. */
export interface HeadersCommand {
  /** Peers to start from (may be empty with `dnsSeed`). */
  peers: { host: string; port: number }[];
  /** Peers to keep connected (`--peers`). @default 8 with DNS seeds, else one per named peer up to 8 */
  outbound?: number | undefined;
  /** Also find peers through the network's DNS seeds and their addr messages (`--dns-seed`). */
  dnsSeed: boolean;
  /** Network. */
  network: Network;
  /** Folder of the header file, or undefined for memory only. */
  datadir: string | undefined;
  /** JSON lines. */
  json: boolean;
  /** Start a new chain at this block (`--checkpoint HEIGHT:HASH`). */
  checkpoint?: Checkpoint | undefined;
}

/** What a command's chain is opened from: its datadir, network, `--checkpoint`, and (watch) the birthday `--from`. */
export interface ChainSpec {
  /** Folder of the header file, or undefined for memory only. */
  datadir: string | undefined;
  /** Network. */
  network: Network;
  /** `--checkpoint`. */
  checkpoint?: Checkpoint | undefined;
  /** `--from`: on a network with built-in checkpoints the chain starts at the one at or below it. */
  from?: number | undefined;
}

/**
 * The chain for a command, in `DATADIR/NETWORK-headers.dat` when a datadir
 * is given: a stored chain goes on from its root; a new one starts at
 * `--checkpoint`, else at the built-in checkpoint at or below `--from`,
 * else at genesis (a checkpoint's header is fetched from `source`).
 */
export function openChain(cmd: ChainSpec, source: Peer | readonly Peer[] | PeerSet): Promise<HeaderChain> {
  const start = cmd.checkpoint ?? (cmd.from === undefined ? 'genesis' : { birthday: cmd.from });
  if (cmd.datadir === undefined) return openHeaderChain({ network: cmd.network, start, source });
  mkdirSync(cmd.datadir, { recursive: true });
  const store = fileHeaderStore(join(cmd.datadir, `${cmd.network.name}-headers.dat`));
  return openHeaderChain({ network: cmd.network, store, start, source }).catch(async (e: unknown) => {
    await store.close();
    throw e;
  });
}

/** A line telling that a new chain starts at a checkpoint (nothing for genesis or a resumed chain). */
export function announceStart(chain: HeaderChain, emit: EventWriter): void {
  if (chain.root.height > 0 && chain.height === chain.root.height) {
    emit('checkpoint', `starting at checkpoint ${chain.root.height} (${chain.root.hashHex}), not genesis`, {
      height: chain.root.height,
      hash: chain.root.hashHex,
    });
  }
}

/** How long `headers` waits for its peers to answer before it picks the best one, ms. */
const START_GRACE_MS = 5000;

/** Chain work as Core prints it: 64 hex digits. */
const workHex = (w: bigint): string => w.toString(16).padStart(64, '0');

/**
 * `rxbtc headers HOST[:PORT]... [--peers N] [--dns-seed]`: sync and verify
 * headers through a pool of peers (the best one first; the next when a peer
 * fails, stalls or serves an invalid header, which gets it banned) until
 * the chain is caught up, then print `synced`. Exits 1 when no peer is left
 * to try. Resolves with the exit code.
 */
export async function runHeaders(cmd: HeadersCommand, io: CliIO, bar: ProgressOutput = process.stderr): Promise<number> {
  const emit = eventWriter(io, cmd.json);
  const target = cmd.outbound ?? (cmd.dnsSeed ? DEFAULT_OUTBOUND : Math.min(cmd.peers.length, DEFAULT_OUTBOUND));
  const pool = cliPool(cmd, emit, target);
  let chain: HeaderChain;
  try {
    chain = await openChain(cmd, pool);
  } catch (e) {
    await pool.close();
    if (!(e instanceof ChainError)) throw e;
    emit('failed', explainError(e, cmd.network), { error: e.message });
    return 1;
  }
  announceStart(chain, emit);
  if (chain.height > chain.root.height)
    emit('resumed', `resuming at height ${chain.height} (${chain.tip.hashHex})`, { height: chain.height, hash: chain.tip.hashHex });
  const progress = new ProgressBar('headers', 1, bar);
  const failed = new Set<string>();
  try {
    return await new Promise<number>((resolve) => {
      const subs = new Subscription();
      const finish = (code: number): void => {
        subs.unsubscribe();
        resolve(code);
      };
      const giveUpIfNobodyLeft = (): void => {
        // Named peers only: once each has failed (or is banned) and none is connected, there is nobody left.
        if (!cmd.dnsSeed && pool.peers().length === 0 && cmd.peers.every((p) => failed.has(endpointKey(p)))) {
          emit('failed', 'no peer could complete the sync', { height: chain.height });
          finish(1);
        }
      };
      subs.add(
        pool.events$.subscribe((e) => {
          if (e.type === 'dial-failed' || (e.type === 'removed' && e.error)) {
            const label = endpointKey(e.address);
            const why = explainError(e.type === 'dial-failed' ? e.error : e.error, cmd.network);
            failed.add(label);
            emit('peer-failed', `${label}: ${why}; ${chain.height} headers kept`, { peer: label, error: why, height: chain.height });
            giveUpIfNobodyLeft();
          } else if (e.type === 'added') {
            failed.delete(endpointKey(e.address));
          } else if (e.type === 'seeded') {
            emit('seeded', `${e.addresses} addresses from DNS seeds`, { addresses: e.addresses, failedSeeds: e.failed });
          }
        }),
      );
      const show = (p: SyncProgress): void => {
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
      // Choose the best peer among all that answer: start once every named peer joined or failed (at most 5 s).
      const allAnswered = (): boolean =>
        pool.peers().length >= Math.max(1, target) ||
        (!cmd.dnsSeed &&
          cmd.peers.every((p) => failed.has(endpointKey(p)) || pool.peers().some((m) => endpointKey(m.address) === endpointKey(p))));
      const start$ = race(
        pool.events$.pipe(
          filter(() => allAnswered()),
          take(1),
        ),
        timer(START_GRACE_MS),
      );
      subs.add(
        start$.pipe(switchMap(() => syncHeaders(pool, chain))).subscribe((p) => {
          show(p);
          if (!p.synced) return;
          const tip = p.tip;
          const label = p.peer.stats().address;
          emit('synced', `synced: height ${tip.height}, hash ${tip.hashHex}, chainwork ${workHex(tip.chainWork)} (from ${label})`, {
            height: tip.height,
            hash: tip.hashHex,
            chainwork: workHex(tip.chainWork),
            peer: label,
          });
          finish(0);
        }),
      );
      subs.add(onInterrupt(io, () => finish(1)));
    });
  } finally {
    await pool.close();
    await chain.close();
  }
}
