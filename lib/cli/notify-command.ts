import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Observable } from 'rxjs';
import { ChainError } from '../chain/errors.js';
import type { HeaderChain } from '../chain/header-chain.js';
import { createChainNotifier } from '../notify/chain-notifier.js';
import { fileNotifierStore } from '../notify/file-notifier-store.js';
import type { NotifierStore } from '../notify/notifier-store.js';
import type { ConfirmationEvent, SpendEvent } from '../notify/notify-events.js';
import { fileFilterHeaderStore } from '../spv/file-filter-header-store.js';
import type { FilterHeaderStore } from '../spv/filter-header-store.js';
import { fromHex } from '../wire/hex.js';
import type { Network } from '../wire/networks.js';
import { cliPool, type ChainPeerArguments } from './cli-pool.js';
import { announceStart, openPoolChain } from './command-chain.js';
import { commandEnd } from './command-end.js';
import { explainError } from './explain-error.js';
import type { CliIO } from './io.js';
import { tellConfirmation, tellSpend } from './notify-lines.js';
import { eventWriter } from './output.js';
import { tellPeers } from './peer-lines.js';

/** Options of {@link runNotify}. */
export interface NotifyCommand extends ChainPeerArguments {
  /** The one registration: a transaction's confirmations, or an output's spend. */
  watch: { tx: string } | { outpoint: string };
  /** The output script, hex. */
  script: string;
  /** Confirmations to wait for. */
  depth: number;
  /** Where the search starts. */
  heightHint: number;
  /** How. */
  method: 'bip158' | 'bip37' | 'auto';
}

/** The stores of `notify --datadir`. */
interface NotifyStores {
  filterHeaders: FilterHeaderStore;
  notifier: NotifierStore;
}

/** `DIR/NETWORK-filter-headers.dat` and `DIR/NETWORK-notifier/`, beside the header chain. */
function openStores(dir: string, network: Network): NotifyStores {
  mkdirSync(dir, { recursive: true });
  const filterHeaders = fileFilterHeaderStore(join(dir, `${network.name}-filter-headers.dat`));
  try {
    return { filterHeaders, notifier: fileNotifierStore(join(dir, `${network.name}-notifier`)) };
  } catch (e) {
    void filterHeaders.close();
    throw e;
  }
}

/**
 * `rxbtc notify HOST[:PORT]... (--tx TXID | --outpoint TXID:VOUT) --script
 * HEX`: sync the headers through a pool of the named peers and follow the
 * one registration (`confirmation`, `spent`, `reorged` lines) until it is
 * done (`done`, exit 0), Ctrl-C (0), a real error (1) or nobody left who
 * could serve it (1). Resolves with the exit code.
 */
export async function runNotify(cmd: NotifyCommand, io: CliIO): Promise<number> {
  const out = eventWriter(io, cmd.json);
  const stores = cmd.datadir === undefined ? undefined : openStores(cmd.datadir, cmd.network);
  const pool = cliPool(cmd);
  const told = tellPeers(pool, cmd, out);
  const ending = commandEnd(io, pool, cmd, (why) => out('error', `notify stopped: no peer can serve it: ${why}`, { error: why }));
  let chain: HeaderChain | undefined;
  try {
    try {
      chain = await openPoolChain(
        { datadir: cmd.datadir, network: cmd.network, checkpoint: cmd.checkpoint, from: cmd.heightHint },
        pool,
        ending.code,
      );
    } catch (e) {
      if (!(e instanceof ChainError) && !(e instanceof RangeError)) throw e;
      out('error', `notify stopped: ${explainError(e, cmd.network)}`, { error: explainError(e, cmd.network) });
      return 1;
    }
    if (!chain) return await ending.code;
    announceStart(chain, out);
    const notifier = createChainNotifier({
      chain,
      source: pool,
      ...(cmd.method === 'auto' ? {} : { method: cmd.method }),
      ...(stores ? { filterHeaders: stores.filterHeaders, store: stores.notifier } : {}),
    });
    const script = fromHex(cmd.script);
    const heightHint = Math.max(cmd.heightHint, chain.root.height);
    const events$: Observable<ConfirmationEvent | SpendEvent> =
      'tx' in cmd.watch
        ? notifier.confirmations({ txid: cmd.watch.tx, script, depth: cmd.depth, heightHint })
        : notifier.spends({ outpoint: cmd.watch.outpoint, script, depth: cmd.depth, heightHint });
    const sub = events$.subscribe({
      next: (e) => ('outpoint' in e ? tellSpend(out, e) : tellConfirmation(out, e, cmd.depth)),
      error: (e: unknown) => {
        const why = explainError(e, cmd.network);
        out('error', `notify stopped: ${why}`, { error: why });
        ending.end(1);
      },
      complete: () => {
        out('done', 'done', {});
        ending.end(0);
      },
    });
    try {
      return await ending.code;
    } finally {
      sub.unsubscribe();
      await notifier.flush();
    }
  } finally {
    ending.dispose();
    told.unsubscribe();
    await pool.close();
    await chain?.close();
    await stores?.filterHeaders.close();
    await stores?.notifier.close();
  }
}
