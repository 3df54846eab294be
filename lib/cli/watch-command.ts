import { MruSet } from '../peer/mru-set.js';
import { connectPeer } from '../peer/connect-peer.js';
import type { Peer } from '../peer/peer-api.js';
import { addressToScript } from '../wallet/address.js';
import type { WalletEvent } from '../wallet/wallet-tracker.js';
import { parseDescriptor, type Descriptor } from '../wallet/descriptor.js';
import { WalletView, sameBalance, type WalletBalance } from '../wallet/wallet-view.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileFilterHeaderStore } from '../spv/file-filter-header-store.js';
import type { FilterHeaderStore } from '../spv/filter-header-store.js';
import { watch, type WatchResume } from '../spv/watch.js';
import { fileWalletStore } from '../wallet/file-wallet-store.js';
import type { WalletStore } from '../wallet/wallet-store.js';
import { fromHex } from '../wire/hex.js';
import type { Network } from '../wire/networks.js';
import { explainError } from './explain-error.js';
import { cliPool } from './cli-pool.js';
import { announceStart, openChain } from './headers-command.js';
import { ChainError } from '../chain/errors.js';
import type { HeaderChain } from '../chain/header-chain.js';
import type { Checkpoint } from '../chain/params.js';
import { eventWriter, onInterrupt } from './output.js';
import type { CliIO } from './main.js';

/** Options of {@link runWatch}. */
export interface WatchCommand {
  /** Peers: BIP158 cross-checks between them; BIP37 asks the first. */
  peers: { host: string; port: number }[];
  /** Network. */
  network: Network;
  /** Folder of the header, filter-header and wallet files, or undefined for memory only. */
  datadir: string | undefined;
  /** JSON lines. */
  json: boolean;
  /** Addresses watched. */
  addresses: string[];
  /** Raw output scripts watched, hex. */
  scripts: string[];
  /** How. */
  method: 'bip158' | 'bip37' | 'auto';
  /** Rescan from (default 0; with a datadir, only for a new wallet or new scripts). */
  from: number | undefined;
  /** Through a pool keeping this many peers (`--peers`); without it and `dnsSeed`, the named peers directly. */
  outbound?: number | undefined;
  /** Through a pool that also finds peers with the network's DNS seeds (`--dns-seed`). */
  dnsSeed: boolean;
  /** Start a new chain at this block (`--checkpoint HEIGHT:HASH`). */
  checkpoint?: Checkpoint | undefined;
  /** Exit once every block up to the height the peers announced is checked (`--once`). */
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

const value = (sats: bigint): string => `${sats / 100_000_000n}.${(sats % 100_000_000n).toString().padStart(8, '0')}`;

function line(e: WalletEvent): string {
  const got = e.received.reduce((s, r) => s + r.value, 0n);
  const where =
    e.status === 'mempool'
      ? 'in the mempool'
      : `${e.status === 'reorged' ? 'reorged out of' : 'confirmed in'} block ${e.height} (${e.blockHash})`;
  const proof = e.proof ? `, proof: ${e.proof.kind === 'merkleblock' ? 'merkle path' : 'block'} #${e.proof.index}` : '';
  const origin = e.origin ? ` (${e.origin.keychain} #${e.origin.index})` : '';
  return `tx ${e.txid} ${where}: receives ${value(got)} BTC in ${e.received.length} output(s)${origin}, spends ${e.spent.length} of ours${proof}`;
}

/**
 * `rxbtc watch HOST[:PORT]... --address A... [--peers N] [--dns-seed]`: sync
 * the headers and follow the wallet's transactions until Ctrl-C, one line
 * per change; with `--peers` or `--dns-seed` through a pool (banned peers
 * reported). Resolves with the exit code.
 */
export async function runWatch(cmd: WatchCommand, io: CliIO): Promise<number> {
  let scripts: Uint8Array[];
  let descriptors: Descriptor[];
  try {
    scripts = [...cmd.addresses.map((a) => addressToScript(a, cmd.network)), ...cmd.scripts.map(fromHex)];
    descriptors = (cmd.descriptors ?? []).map((d) => parseDescriptor(d, cmd.network));
  } catch (e) {
    io.err(`rxbtc: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  const out = eventWriter(io, cmd.json);
  const stores = cmd.datadir === undefined ? undefined : openStores(cmd.datadir, cmd.network);
  if (scripts.length + descriptors.length === 0 && (stores?.wallet.load().length ?? 0) === 0) {
    io.err('rxbtc: watch needs --address, --script or --descriptor (this datadir holds no wallet yet)');
    await stores?.wallet.close();
    await stores?.filterHeaders.close();
    return 2;
  }
  // Without a stored wallet, or for a new one, the birthday is --from (default 0); a stored wallet knows its own.
  const from = cmd.from ?? (stores && stores.wallet.load().length > 0 ? undefined : 0);
  const peers: Peer[] = [];
  const pool = cmd.outbound !== undefined || cmd.dnsSeed ? cliPool(cmd, out) : undefined;
  let checked: number | undefined;
  let chain: HeaderChain | undefined;
  try {
    for (const { host, port } of pool ? [] : cmd.peers) {
      try {
        // BIP324 v2 where the peer speaks it (the wallet's traffic is then unreadable on the path), else v1.
        peers.push(await connectPeer({ host, port, network: cmd.network, sentNonces: new MruSet(50) }));
      } catch (e) {
        io.err(`${host}:${port}: ${explainError(e, cmd.network)}`);
      }
    }
    if (!pool && peers.length === 0) return 1;
    try {
      chain = await openChain(cmd, pool ?? peers);
    } catch (e) {
      if (!(e instanceof ChainError) && !(e instanceof RangeError)) throw e;
      out('error', `watch stopped: ${explainError(e, cmd.network)}`, { error: explainError(e, cmd.network) });
      return 1;
    }
    const opened = chain;
    announceStart(opened, out);
    const method = cmd.method === 'auto' ? undefined : cmd.method;
    // --once: done when the peers' announced height (their version's start height) is checked and the chain has nothing more.
    const announced = (): number => Math.max(0, ...(pool ? pool.peers().map((m) => m.peer) : peers).map((p) => p.stats().startHeight));
    let caughtUp: (() => void) | undefined;
    // The balance: a line once caught up, then one per change (a stored wallet's outputs count from the start).
    const wallet = new WalletView();
    let current = false;
    let told: WalletBalance | undefined;
    const tellBalance = (): void => {
      const b = wallet.balance();
      if (!current || sameBalance(told, b)) return;
      told = b;
      out(
        'balance',
        `balance: ${value(b.confirmed)} BTC confirmed, ${value(b.unconfirmed)} BTC unconfirmed (${wallet.utxos().length} unspent output(s))`,
        {
          confirmed: Number(b.confirmed),
          unconfirmed: Number(b.unconfirmed),
          utxos: wallet.utxos().length,
        },
      );
    };
    const balances = wallet.changed$.subscribe(tellBalance);
    const onScanned = (height: number): void => {
      checked = height;
      if (height >= opened.height && height >= announced()) {
        current = true; // announced() only at the tip: stats() copies
        tellBalance();
        if (cmd.once) caughtUp?.();
      }
    };
    const code = await new Promise<number>((resolve) => {
      const onResume = (r: WatchResume): void => {
        const where = r.checked ? `block ${r.checked.height} (${r.checked.hash}) was checked` : 'nothing was checked yet';
        out(
          'resumed',
          `wallet of ${r.scripts} script(s), ${r.events} event(s) told before; ${where}; scanning from ${r.from ?? 'the tip'}`,
          {
            from: r.from ?? null,
            checked: r.checked?.height ?? null,
            hash: r.checked?.hash ?? null,
            birthday: r.birthday ?? null,
            scripts: r.scripts,
            events: r.events,
            reorged: r.reorged,
            headers: opened.height,
          },
        );
      };
      const sub = watch({
        chain: opened,
        source: pool ?? peers,
        scripts,
        onScanned,
        wallet,
        ...(descriptors.length > 0 ? { descriptors } : {}),
        ...(cmd.gapLimit === undefined ? {} : { gapLimit: cmd.gapLimit }),
        ...(from === undefined ? {} : { from }),
        ...(method ? { method } : {}),
        ...(stores ? { store: stores.wallet, filterHeaders: stores.filterHeaders, onResume } : {}),
      }).subscribe({
        next: (e) =>
          out('tx', line(e), {
            txid: e.txid,
            status: e.status,
            ...(e.height === undefined ? {} : { height: e.height, blockHash: e.blockHash }),
            received: e.received.map((r) => ({
              index: r.index,
              value: Number(r.value),
              ...(r.origin ? { keychain: r.origin.keychain, derivation: r.origin.index } : {}),
            })),
            spent: e.spent,
            ...(e.proof ? { proof: e.proof.kind } : {}),
            ...(e.origin ? { descriptor: e.origin.descriptor, keychain: e.origin.keychain, index: e.origin.index } : {}),
          }),
        error: (e: unknown) => {
          out('error', `watch stopped: ${explainError(e, cmd.network)}`, { error: explainError(e, cmd.network) });
          resolve(1);
        },
        complete: () => resolve(0),
      });
      const stop = (): void => {
        sub.unsubscribe();
        resolve(0);
      };
      caughtUp = stop;
      onInterrupt(io, stop);
    });
    balances.unsubscribe();
    // Where a later run goes on without scanning again what this one checked.
    if (checked !== undefined) {
      const next = stores ? 'the next run with this --datadir goes on from there' : `go on with --from ${checked + 1}`;
      out('checked', `checked every block to ${checked}: ${next}`, { height: checked, from: checked + 1 });
    }
    return code;
  } finally {
    for (const p of peers) p.disconnect('watch finished');
    await pool?.close();
    await chain?.close();
    await stores?.wallet.close();
    await stores?.filterHeaders.close();
  }
}
