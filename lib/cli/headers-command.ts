import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { filter, firstValueFrom, share } from 'rxjs';
import { fileHeaderStore } from '../chain/file-header-store.js';
import { createHeaderChain, type HeaderChain } from '../chain/header-chain.js';
import { connectPeer } from '../peer/connect-peer.js';
import { syncHeaders, type SyncProgress } from '../spv/sync-headers.js';
import type { Network } from '../wire/networks.js';
import type { CliIO } from './main.js';
import { explainError } from './explain-error.js';
import { ProgressBar, type ProgressOutput } from './progress-bar.js';

/** Options of {@link runHeaders}. */
export interface HeadersCommand {
  /** Peers to try, in order. */
  peers: { host: string; port: number }[];
  /** Network. */
  network: Network;
  /** Folder of the header file, or undefined for memory only. */
  datadir: string | undefined;
  /** JSON lines. */
  json: boolean;
}

/** The chain for a command: in `DATADIR/NETWORK-headers.dat` when a datadir is given. */
export function openChain(cmd: Pick<HeadersCommand, 'datadir' | 'network'>): HeaderChain {
  if (cmd.datadir === undefined) return createHeaderChain({ network: cmd.network });
  mkdirSync(cmd.datadir, { recursive: true });
  return createHeaderChain({ network: cmd.network, store: fileHeaderStore(join(cmd.datadir, `${cmd.network.name}-headers.dat`)) });
}

/** Chain work as Core prints it: 64 hex digits. */
const workHex = (w: bigint): string => w.toString(16).padStart(64, '0');

/**
 * `rxbtc headers HOST[:PORT]...`: sync and verify headers from the peers in
 * turn (the next one when a peer fails or serves an invalid header) until
 * one has no more, then print `synced`. Resolves with the exit code.
 */
export async function runHeaders(cmd: HeadersCommand, io: CliIO, bar: ProgressOutput = process.stderr): Promise<number> {
  const chain = openChain(cmd);
  const emit = (event: string, text: string, fields: Record<string, unknown>): void =>
    cmd.json ? io.out(JSON.stringify({ time: new Date().toISOString(), event, ...fields })) : io.out(text);
  if (chain.height > chain.root.height)
    emit('resumed', `resuming at height ${chain.height} (${chain.tip.hashHex})`, { height: chain.height, hash: chain.tip.hashHex });
  try {
    for (const { host, port } of cmd.peers) {
      if (io.signal?.aborted) return 1;
      const label = `${host}:${port}`;
      let peer;
      try {
        peer = await connectPeer({ host, port, network: cmd.network }); // BIP324 v2, else v1 (Core's downgrade)
      } catch (e) {
        emit('peer-failed', `${label}: ${explainError(e, cmd.network)}`, { peer: label, error: explainError(e, cmd.network) });
        continue;
      }
      const onAbort = (): void => peer.disconnect('interrupted');
      io.signal?.addEventListener('abort', onAbort, { once: true });
      const progress = new ProgressBar('headers', 1, bar);
      const show = (p: SyncProgress): void => {
        if (cmd.json) {
          emit('progress', '', {
            peer: label,
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
      const sync$ = syncHeaders(peer, chain).pipe(share());
      try {
        const done = await firstValueFrom(sync$.pipe(filter((p) => (show(p), p.synced))));
        const tip = done.tip;
        emit('synced', `synced: height ${tip.height}, hash ${tip.hashHex}, chainwork ${workHex(tip.chainWork)} (from ${label})`, {
          height: tip.height,
          hash: tip.hashHex,
          chainwork: workHex(tip.chainWork),
          peer: label,
        });
        peer.disconnect('synced');
        return 0;
      } catch (e) {
        const why = explainError((await peer.closed).error ?? e, cmd.network);
        emit('peer-failed', `${label}: ${why}; ${chain.height} headers kept`, { peer: label, error: why, height: chain.height });
      } finally {
        io.signal?.removeEventListener('abort', onAbort);
        peer.disconnect();
      }
    }
    emit('failed', 'no peer could complete the sync', { height: chain.height });
    return 1;
  } finally {
    await chain.close();
  }
}
