import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ChainError } from '../chain/errors.js';
import type { HeaderChain } from '../chain/header-chain.js';
import type { Pool } from '../pool/pool.js';
import { fileFilterHeaderStore } from '../spv/file-filter-header-store.js';
import type { FilterHeaderStore } from '../spv/filter-header-store.js';
import { watch } from '../spv/watch.js';
import { addressToScript } from '../wallet/address.js';
import { parseDescriptor, type Descriptor } from '../wallet/descriptor.js';
import { fileWalletStore } from '../wallet/file-wallet-store.js';
import type { WalletStore } from '../wallet/wallet-store.js';
import { WalletView, sameBalance, type WalletBalance } from '../wallet/wallet-view.js';
import { fromHex } from '../wire/hex.js';
import type { Network } from '../wire/networks.js';
import { cliPool, type ChainPeerArguments } from './cli-pool.js';
import { announceStart, openPoolChain } from './command-chain.js';
import { commandEnd, type CommandEnd } from './command-end.js';
import { explainError } from './explain-error.js';
import type { CliIO } from './io.js';
import { eventWriter, type EventWriter } from './output.js';
import { tellPeers } from './peer-lines.js';
import { tellBalance, tellResume, tellTx } from './wallet-lines.js';

/** Options of {@link runWatch}. */
export interface WatchCommand extends ChainPeerArguments {
  /** Addresses watched. */
  addresses: string[];
  /** Raw output scripts watched, hex. */
  scripts: string[];
  /** How. */
  method: 'bip158' | 'bip37' | 'auto';
  /** Rescan from (default 0; with a datadir, only for a new wallet or new scripts). */
  from: number | undefined;
  /** Exit once every block up to the highest height the peers announced is checked (`--once`), waiting for peers that went away. */
  once?: boolean | undefined;
  /** Output descriptors watched (`--descriptor`). */
  descriptors?: string[] | undefined;
  /** Addresses derived past the last one paid (`--gap-limit`). */
  gapLimit?: number | undefined;
}

/** The stores of `watch --datadir`. */
interface WatchStores {
  wallet: WalletStore;
  filterHeaders: FilterHeaderStore;
}

/** `DIR/NETWORK-filter-headers.dat` and `DIR/NETWORK-wallet/`, beside the header chain. */
function openStores(dir: string, network: Network): WatchStores {
  mkdirSync(dir, { recursive: true });
  const filterHeaders = fileFilterHeaderStore(join(dir, `${network.name}-filter-headers.dat`));
  try {
    return { filterHeaders, wallet: fileWalletStore(join(dir, `${network.name}-wallet`)) };
  } catch (e) {
    void filterHeaders.close();
    throw e;
  }
}

/** The highest start height any peer announced since the pool started: what `--once` checks up to, kept while peers are away. */
function announcedHeight(pool: Pool): { height(): number; stop(): void } {
  let best = 0;
  const sub = pool.peers$.subscribe((e) => {
    if (e.type === 'added') best = Math.max(best, e.peer.stats().startHeight);
  });
  return { height: () => best, stop: () => sub.unsubscribe() };
}

/** `balance` lines: the first once `current()` is called (the watch caught up), then one per change. */
function balanceLines(wallet: WalletView, out: EventWriter): { current(): void; stop(): void } {
  let current = false;
  let told: WalletBalance | undefined;
  const tell = (): void => {
    const b = wallet.balance();
    if (!current || sameBalance(told, b)) return;
    told = b;
    tellBalance(out, b, wallet.utxos().length);
  };
  const sub = wallet.changed$.subscribe(tell);
  return {
    current: () => {
      current = true;
      tell();
    },
    stop: () => sub.unsubscribe(),
  };
}

/** What a watch runs on once its chain is open. */
interface WatchRun {
  pool: Pool;
  chain: HeaderChain;
  stores: WatchStores | undefined;
  scripts: Uint8Array[];
  descriptors: Descriptor[];
  /** The birthday, or undefined for a stored wallet's own. */
  from: number | undefined;
  out: EventWriter;
  ending: CommandEnd;
}

/**
 * Follow the wallet through the pool until Ctrl-C, `--once` caught up, a
 * real error or nobody left to serve it: the exit code, and the last block
 * checked.
 */
async function follow(cmd: WatchCommand, run: WatchRun): Promise<{ code: number; checked: number | undefined }> {
  const { pool, chain, stores, out, ending } = run;
  const method = cmd.method === 'auto' ? undefined : cmd.method;
  const announced = announcedHeight(pool);
  const wallet = new WalletView();
  const balance = balanceLines(wallet, out);
  let checked: number | undefined;
  const onScanned = (height: number): void => {
    checked = height;
    if (height >= chain.height && height >= announced.height()) {
      balance.current();
      if (cmd.once) ending.end(0);
    }
  };
  // Through the pool: peers that leave and come back (new peer objects) are watched again from the first block not checked.
  const sub = watch({
    chain,
    source: pool,
    scripts: run.scripts,
    onScanned,
    wallet,
    ...(run.descriptors.length > 0 ? { descriptors: run.descriptors } : {}),
    ...(cmd.gapLimit === undefined ? {} : { gapLimit: cmd.gapLimit }),
    ...(run.from === undefined ? {} : { from: run.from }),
    ...(method ? { method } : {}),
    ...(stores ? { store: stores.wallet, filterHeaders: stores.filterHeaders, onResume: (r) => tellResume(out, r, chain.height) } : {}),
  }).subscribe({
    next: (e) => tellTx(out, e),
    error: (e: unknown) => {
      const why = explainError(e, cmd.network);
      out('error', `watch stopped: ${why}`, { error: why });
      ending.end(1);
    },
    complete: () => ending.end(0),
  });
  try {
    return { code: await ending.code, checked };
  } finally {
    sub.unsubscribe();
    balance.stop();
    announced.stop();
  }
}

/** Parse the watched addresses, scripts and descriptors; a usage error (exit 2) says why not. */
function watched(cmd: WatchCommand): { scripts: Uint8Array[]; descriptors: Descriptor[] } | string {
  try {
    return {
      scripts: [...cmd.addresses.map((a) => addressToScript(a, cmd.network)), ...cmd.scripts.map(fromHex)],
      descriptors: (cmd.descriptors ?? []).map((d) => parseDescriptor(d, cmd.network)),
    };
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * `rxbtc watch HOST[:PORT]... --address A... [--peers N] [--dns-seed]`: sync
 * the headers and follow the wallet's transactions through a pool of the
 * named peers (each redialled when it goes away: `disconnected`,
 * `waiting`, `connected` lines) until Ctrl-C, one line per change. Exits 1
 * only on a real error (a chain that fails validation, nobody left who
 * could ever serve it), 2 on bad arguments. Resolves with the exit code.
 */
export async function runWatch(cmd: WatchCommand, io: CliIO): Promise<number> {
  const parsed = watched(cmd);
  if (typeof parsed === 'string') {
    io.err(`rxbtc: ${parsed}`);
    return 2;
  }
  const out = eventWriter(io, cmd.json);
  const stores = cmd.datadir === undefined ? undefined : openStores(cmd.datadir, cmd.network);
  if (parsed.scripts.length + parsed.descriptors.length === 0 && (stores?.wallet.load().length ?? 0) === 0) {
    io.err('rxbtc: watch needs --address, --script or --descriptor (this datadir holds no wallet yet)');
    await stores?.wallet.close();
    await stores?.filterHeaders.close();
    return 2;
  }
  // Without a stored wallet, or for a new one, the birthday is --from (default 0); a stored wallet knows its own.
  const from = cmd.from ?? (stores && stores.wallet.load().length > 0 ? undefined : 0);
  const pool = cliPool(cmd);
  const told = tellPeers(pool, cmd, out);
  const ending = commandEnd(io, pool, cmd, (why) => out('error', `watch stopped: no peer can serve it: ${why}`, { error: why }));
  let chain: HeaderChain | undefined;
  try {
    try {
      chain = await openPoolChain(cmd, pool, ending.code);
    } catch (e) {
      if (!(e instanceof ChainError) && !(e instanceof RangeError)) throw e;
      out('error', `watch stopped: ${explainError(e, cmd.network)}`, { error: explainError(e, cmd.network) });
      return 1;
    }
    if (!chain) return await ending.code;
    announceStart(chain, out);
    const { code, checked } = await follow(cmd, { pool, chain, stores, ...parsed, from, out, ending });
    // Where a later run goes on without scanning again what this one checked.
    if (checked !== undefined) {
      const next = stores ? 'the next run with this --datadir goes on from there' : `go on with --from ${checked + 1}`;
      out('checked', `checked every block to ${checked}: ${next}`, { height: checked, from: checked + 1 });
    }
    return code;
  } finally {
    ending.dispose();
    told.unsubscribe();
    await pool.close();
    await chain?.close();
    await stores?.wallet.close();
    await stores?.filterHeaders.close();
  }
}
