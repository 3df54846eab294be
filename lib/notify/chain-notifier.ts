import { EMPTY, Observable, Subject, ignoreElements, merge, share, type SchedulerLike } from 'rxjs';
import type { HeaderChain } from '../chain/header-chain.js';
import type { Peer } from '../peer/peer-api.js';
import type { FilterHeaderStore } from '../spv/filter-header-store.js';
import { sourceList } from '../spv/filter-sources.js';
import { isPeerSet, type PeerSet } from '../spv/peer-set.js';
import { syncHeaders } from '../spv/sync-headers.js';
import { blockEpochs } from './block-epochs.js';
import { ConfirmationWatcher } from './confirmation-watcher.js';
import { notifierEngine } from './notifier-engine.js';
import type { NotifyMethod } from './notify-method.js';
import { NotifierJournal } from './notifier-journal.js';
import type { StoredRequest } from './notifier-records.js';
import type { NotifierStore } from './notifier-store.js';
import { runRegistration, type RegistrationDeps } from './run-registration.js';
import { fromHex, toHex } from '../wire/hex.js';
import type { BlockEpoch, ConfirmationEvent, SpendEvent, UtxoAnswer } from './notify-events.js';
import type { ConfirmationRequest, SpendRequest, UtxoRequest } from './notify-requests.js';
import { parseOutpoint, parseTxid } from './outpoint.js';
import { checkDepth, checkHint, checkScript } from './request-checks.js';
import { SpendWatcher } from './spend-watcher.js';
import { UtxoWatcher } from './utxo-watcher.js';
import type { Watcher } from './watcher.js';
import { WatcherRegistry } from './watcher-registry.js';

/** Options of {@link createChainNotifier}. */
export interface ChainNotifierOptions {
  /** The verified header chain. */
  chain: HeaderChain;
  /** One peer, several, or a pool (as for `watch`). */
  source: Peer | readonly Peer[] | PeerSet;
  /** `bip158` or `bip37`. Default: BIP158 when the peer (a pool's first) serves compact filters, else BIP37 when it serves bloom filters. */
  method?: NotifyMethod;
  /** Keep `chain` in sync from the source (`syncHeaders`) while anything is subscribed. @default true */
  syncChain?: boolean;
  /**
   * Where registrations are kept across restarts (`fileNotifierStore`,
   * `memoryNotifierStore`): each one made, every event delivered, how far
   * each was checked. A registration made again (same kind, id or outpoint,
   * and script) goes on where it stopped: it delivers no event twice, misses
   * nothing that happened meanwhile, and tells `reorged` for a block it told
   * of that left the best chain while the notifier was down. Events are
   * recorded once delivered: a process killed between the two delivers that
   * one again. `utxo` questions are not kept.
   */
  store?: NotifierStore;
  /** BIP158: where the verified filter headers are kept. @default memory */
  filterHeaders?: FilterHeaderStore;
  /** How long a peer may take to answer a BIP157 request, ms. @default 30000 */
  timeoutMs?: number;
  /** Timers of the downloads. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/** A notifier made by {@link createChainNotifier}. */
export interface ChainNotifier {
  /**
   * Follow a transaction to `depth` confirmations: an update for each count
   * from 1 to `depth` (with its block and proof), `reorged` when its block
   * leaves the best chain (then it counts again from where it is found
   * next); completes once `depth` is told. Blocks from `heightHint` on are
   * searched, so a transaction confirmed before the registration is found.
   * @throws TypeError for a malformed txid or script; RangeError for a depth below 1 or a hint below the chain's root
   */
  confirmations(request: ConfirmationRequest): Observable<ConfirmationEvent>;
  /**
   * Follow the spend of an output: the spending transaction and input,
   * first unconfirmed when a peer announces it, then with its block;
   * `reorged` when that block leaves the best chain (the spend is told
   * again where it is found next); completes once the spend is `depth`
   * (default 1) blocks deep.
   * @throws TypeError for a malformed outpoint or script; RangeError for a depth below 1 or a hint below the chain's root
   */
  spends(request: SpendRequest): Observable<SpendEvent>;
  /**
   * Whether an output exists and is unspent at the tip (LND's `GetUtxo`):
   * one answer once every block from `heightHint` to the tip is checked,
   * then completes.
   * @throws TypeError for a malformed outpoint or script; RangeError for a hint below the chain's root
   */
  utxo(request: UtxoRequest): Observable<UtxoAnswer>;
  /** Every block joining the best chain (the tip first), and the blocks that leave it on a reorganisation. */
  readonly blocks$: Observable<BlockEpoch>;
  /**
   * With a store: the registrations it holds that have not completed, to
   * subscribe to again after a restart (each goes on where it stopped).
   */
  registrations(): StoredRegistration[];
  /** With a store: resolves once everything recorded so far is durable. */
  flush(): Promise<void>;
}

/** A registration a store holds (see {@link ChainNotifier.registrations}). */
export type StoredRegistration =
  | {
      /** Made with `confirmations`. */
      kind: 'confirmations';
      /** What was asked. */
      request: ConfirmationRequest;
    }
  | {
      /** Made with `spends`. */
      kind: 'spends';
      /** What was asked. */
      request: SpendRequest;
    };

/**
 * A chain notifier for Lightning and contract backends, after LND's
 * `ChainNotifier`: confirmations, spends and unspent outputs of anything
 * (not only the wallet's own), reorganisation-safe, found from height hints.
 * Every registration shares one scan: a pass over the filters runs from the
 * lowest height any registration still needs, a registration added while a
 * pass runs joins it, and unsubscribing cancels one. The network work (header
 * sync, filter and block downloads, the peers' announcements) runs while
 * anything is subscribed.
 *
 * @param options - chain, peers, method
 * @returns the notifier
 * @example
 * ```ts
 * import { createChainNotifier } from 'rxbtc';
 * const notifier = createChainNotifier({ chain, source: pool });
 * notifier.confirmations({ txid, script, depth: 3, heightHint: 800_000 })
 *   .subscribe((e) => console.log(e.type, e.type === 'confirmation' ? e.confirmations : e.blockHash));
 * ```
 */
export function createChainNotifier(options: ChainNotifierOptions): ChainNotifier {
  const { chain } = options;
  const source = sourceList(options.source);
  if (!isPeerSet(source) && source.length === 0) throw new RangeError('a notifier needs at least one peer');
  const registry = new WatcherRegistry();
  const sync$: Observable<never> =
    options.syncChain === false
      ? EMPTY
      : (isPeerSet(source) ? syncHeaders(source, chain) : merge(...source.map((p) => syncHeaders(p, chain)))).pipe(ignoreElements());
  const failure = new Subject<never>();
  const journal = options.store ? new NotifierJournal(options.store, (e) => failure.error(e)) : undefined;
  const running = new Map<Watcher, number>();
  let checkedTo = chain.height;
  const onChecked = (height: number): void => {
    checkedTo = height;
    journal?.checked(chain, height, running);
  };
  const engine$ = merge(sync$, notifierEngine({ ...options, source, registry, onChecked }), failure).pipe(share());
  const deps: RegistrationDeps = { chain, registry, engine$, journal, running, checkedTo: () => checkedTo };
  const checkHintOnChain = (hint: number): void => {
    checkHint(hint);
    if (hint < chain.root.height)
      throw new RangeError(`cannot scan from ${hint}: the header chain starts at ${chain.root.height} (start it at or below the hint)`);
  };
  const stored = (kind: StoredRequest['kind'], r: ConfirmationRequest | SpendRequest, what: { txid: string } | { outpoint: string }) => ({
    kind,
    ...what,
    script: toHex(r.script),
    depth: checkDepth(r.depth),
    heightHint: r.heightHint,
  });
  return {
    confirmations: (request) => {
      checkScript(request.script);
      checkDepth(request.depth);
      checkHintOnChain(request.heightHint);
      const txid = parseTxid(request.txid);
      return runRegistration(deps, (context) => new ConfirmationWatcher(request, context), stored('confirmations', request, { txid }));
    },
    spends: (request) => {
      checkScript(request.script);
      checkDepth(request.depth);
      checkHintOnChain(request.heightHint);
      const outpoint = parseOutpoint(request.outpoint).text;
      return runRegistration(deps, (context) => new SpendWatcher(request, context), stored('spends', request, { outpoint }));
    },
    utxo: (request) => {
      parseOutpoint(request.outpoint);
      checkScript(request.script);
      checkHintOnChain(request.heightHint);
      return runRegistration(deps, (context) => new UtxoWatcher(request, context));
    },
    blocks$: merge(blockEpochs(chain), engine$),
    registrations: () =>
      (journal?.pending ?? []).map((r): StoredRegistration =>
        r.kind === 'confirmations'
          ? { kind: r.kind, request: { txid: r.txid!, script: fromHex(r.script), depth: r.depth, heightHint: r.heightHint } }
          : { kind: r.kind, request: { outpoint: r.outpoint!, script: fromHex(r.script), depth: r.depth, heightHint: r.heightHint } },
      ),
    flush: () => journal?.flush() ?? Promise.resolve(),
  };
}
