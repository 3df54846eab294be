import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { filter, firstValueFrom, from, map, race, type Observable } from 'rxjs';
import { fileHeaderStore } from '../chain/file-header-store.js';
import { ChainError, ChainErrorCode } from '../chain/errors.js';
import type { HeaderChain } from '../chain/header-chain.js';
import type { Checkpoint } from '../chain/params.js';
import type { Peer } from '../peer/peer-api.js';
import type { Pool } from '../pool/pool.js';
import { openHeaderChain } from '../spv/open-header-chain.js';
import type { PeerSet } from '../spv/peer-set.js';
import type { Network } from '../wire/networks.js';
import type { EventWriter } from './output.js';

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

/**
 * {@link openChain} through a pool, opened again whenever a checkpoint's
 * header could not be fetched because no peer was connected (once one
 * joins: the pool redials): the chain, or undefined when `stop` resolves
 * first (a chain opened after that is closed).
 * @param cmd - datadir, network, checkpoint, birthday
 * @param pool - where a checkpoint's header is fetched from
 * @param stop - resolves when the command ends (Ctrl-C, nobody left to serve it)
 * @throws what `openChain` throws, bar a checkpoint unavailable for want of peers
 */
export async function openPoolChain(cmd: ChainSpec, pool: Pool, stop: Promise<unknown>): Promise<HeaderChain | undefined> {
  for (;;) {
    const opening = openChain(cmd, pool);
    const result = await Promise.race([
      opening.then(
        (chain) => ({ chain }),
        (error: unknown) => ({ error }),
      ),
      stop.then(() => undefined),
    ]);
    if (result === undefined) {
      opening.then((chain) => chain.close()).catch(() => undefined);
      return undefined;
    }
    if ('chain' in result) return result.chain;
    if (!wantsPeers(result.error, pool)) throw result.error;
    if (!(await peerJoins(pool, from(stop)))) return undefined;
  }
}

/** Resolves true once a peer joins the pool, false when `stop$` emits first. */
function peerJoins(pool: Pool, stop$: Observable<unknown>): Promise<boolean> {
  return firstValueFrom(
    race(
      pool.peers$.pipe(
        filter((e) => e.type === 'added'),
        map(() => true),
      ),
      stop$.pipe(map(() => false)),
    ),
    { defaultValue: false },
  );
}

/** Whether a failure to open a chain is only for want of peers: a checkpoint's header, and nobody connected to give it. */
function wantsPeers(e: unknown, pool: Pool): boolean {
  return e instanceof ChainError && e.code === ChainErrorCode.CheckpointUnavailable && pool.peers().length === 0;
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
