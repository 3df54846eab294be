/**
 * The web dashboard's page: everything it shows comes from rxbtc
 * Observables over three peers opened through `rxbtc bridge`:
 * - chain: bcoin (v1); syncs and verifies the header chain, shows blocks,
 *   transactions and the message timeline;
 * - bloom: bcoin (v1); watches the address with a BIP37 bloom filter and
 *   merkle proofs (a filter makes a peer relay only matching transactions,
 *   so the chain peer stays unfiltered);
 * - filters: an rxbtc node over BIP324 (v2, encrypted in this page);
 *   watches the same address with BIP157/158 compact filters against a
 *   second header chain verified from that peer's own headers.
 * Everything verified is kept in IndexedDB (both header chains, the filter
 * headers, both wallets): a reload goes on from there, asking only for what
 * is new, and shows the stored payments without a rescan.
 * Bundled by esbuild from `lib/browser.ts`.
 */
import { Observable, defer, filter, ignoreElements, merge, mergeMap, retry, switchMap, tap, throttleTime, timer } from 'rxjs';
import {
  InvType,
  addressToScript,
  blockHash,
  bytesEqual,
  createHeaderChain,
  hashToHex,
  openIndexedDbFilterHeaderStore,
  openIndexedDbHeaderStore,
  openIndexedDbWalletStore,
  merkleRoot,
  networks,
  peer$,
  serviceNames,
  shortHash,
  syncHeaders,
  txid,
  watch,
  type Message,
  type Peer,
  type FilterHeaderStore,
  type HeaderChain,
  type Transaction,
  type WalletEvent,
  type WalletStore,
} from '../../../lib/browser.js';
import type { DashboardConfig } from './config.js';

const network = networks.regtest;
const MAX_ROWS = { blocks: 8, txs: 12, timeline: 150 } as const;

const el = (id: string): HTMLElement => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} missing from the page`);
  return found;
};
const show = (id: string, text: string): void => {
  el(id).textContent = text;
};
const btc = (sats: bigint): string => `${(Number(sats) / 1e8).toFixed(8)} BTC`;
const invNames = new Map<number, string>(Object.entries(InvType).map(([name, value]) => [value, name]));
const clock = (): string => new Date().toLocaleTimeString([], { hour12: false });

/** Text made safe for innerHTML: a peer chooses its user agent and more; it must not choose the page's markup. */
const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** Put a row at the top of a list (or replace the row with the same key), keeping at most `max`. */
function prepend(list: string, html: string, max: number, key?: string): void {
  const ul = el(list);
  const old = key === undefined ? null : ul.querySelector(`li[data-key="${key}"]`);
  const li = document.createElement('li');
  li.innerHTML = html;
  li.className = 'fresh';
  if (key !== undefined) li.dataset['key'] = key;
  if (old) old.replaceWith(li);
  else ul.prepend(li);
  while (ul.children.length > max) ul.lastElementChild?.remove();
}

const states = new Map<string, { text: string; ok: boolean }>();
/** Say how one peer (`chain`, `wallet`, or `page`) is doing; the header shows them all. */
function status(role: string, text: string, ok = false): void {
  states.set(role, { text, ok });
  const s = el('status');
  s.textContent = [...states].map(([r, v]) => `${r}: ${v.text}`).join(' · ');
  s.className = [...states.values()].every((v) => v.ok) ? 'ok' : 'warn';
}

/** One line about a received message. */
function summary(m: Message): string {
  switch (m.command) {
    case 'version':
      return `${m.userAgent} height ${m.startHeight}`;
    case 'headers':
      return `${m.headers.length} headers`;
    case 'inv':
    case 'getdata':
    case 'notfound':
      return m.items.map((i) => `${invNames.get(i.type) ?? i.type} ${shortHash(i.hash)}`).join(', ');
    case 'tx':
      return shortHash(txid(m.tx));
    case 'block':
      return `${shortHash(blockHash(m.block.header))} · ${m.block.transactions.length} txs`;
    case 'merkleblock':
      return `${shortHash(blockHash(m.header))} · ${m.totalTransactions} txs`;
    case 'ping':
    case 'pong':
      return `nonce ${m.nonce}`;
    default:
      return '';
  }
}

const counts = new Map<string, number>();
/** Add a received message to the timeline (the newest MAX_ROWS.timeline) and to the per-command counts. */
function timeline(role: string, m: Message): void {
  counts.set(m.command, (counts.get(m.command) ?? 0) + 1);
  show('counts', [...counts].map(([command, n]) => `${command} ${n}`).join(' · '));
  prepend('timeline', `<span class="tag">${clock()} ${role} ←</span> <b>${escape(m.command)}</b> ${escape(summary(m))}`, MAX_ROWS.timeline);
}

/** The chain peer: handshake, stats, header sync, blocks and transactions as the node announces them. */
function chainPeer(peer: Peer, chain: HeaderChain): Observable<never> {
  let synced = false;
  const started = performance.now(); // peer$ emits the peer once handshaken: the sync starts now
  const handshake$ = defer(() => peer.handshake).pipe(
    tap(({ remote, protocolVersion }) => {
      const { transport, sessionId } = peer.stats();
      show('peer-agent', remote.userAgent);
      show('transport', transport);
      el('transport').title = sessionId ? `BIP324 session ${sessionId}` : 'plaintext v1 (the node does not speak BIP324)';
      show('protocol', `${protocolVersion} (theirs ${remote.version})`);
      show('services', serviceNames(remote.services).join(' ') || 'none');
      status('chain', `connected (${transport})`, true);
    }),
  );
  const stats$ = peer.stats$.pipe(
    tap((s) => {
      show('ping', s.lastPingMicros > 0 ? `${(s.lastPingMicros / 1000).toFixed(2)} ms` : '…');
      show('bytes', `${s.bytesReceived.toLocaleString()} / ${s.bytesSent.toLocaleString()}`);
    }),
  );
  const sync$ = syncHeaders(peer, chain).pipe(
    tap((p) => {
      const bar = el('sync-progress') as HTMLProgressElement;
      bar.max = Math.max(1, p.bestKnownHeight);
      bar.value = p.height;
      if (p.synced && !synced)
        show('sync-rate', `${p.height.toLocaleString()} headers verified in ${((performance.now() - started) / 1000).toFixed(2)} s`);
      else if (!p.synced) show('sync-rate', `${Math.round(p.headersPerSecond).toLocaleString()} headers/s`);
      synced ||= p.synced;
      show('sync-label', p.synced ? '✓ synced' : `of ${p.bestKnownHeight}`);
    }),
  );
  // Each new tip after the initial sync: fetch its block and check the merkle root against the verified header.
  const blocks$ = chain.tip$.pipe(
    filter(() => synced),
    tap((tip) => peer.queue({ command: 'getdata', items: [{ type: InvType.WitnessBlock, hash: tip.hash }] })),
  );
  const block$ = peer.on('block').pipe(
    tap(({ block }) => {
      const hash = blockHash(block.header);
      const entry = chain.header(hash);
      const ok = bytesEqual(merkleRoot(block.transactions.map(txid)), block.header.merkleRoot);
      const height = entry?.height ?? '?';
      prepend(
        'blocks',
        `<b>${height}</b> ${shortHash(hash)} · ${block.transactions.length} txs · ${ok ? '<span class="confirmed">merkle root ✓</span>' : 'BAD merkle root'}`,
        MAX_ROWS.blocks,
        String(height),
      );
    }),
  );
  // Transactions the node announces: ask for each, show what came.
  const txInv$ = peer.on('inv').pipe(
    mergeMap((inv) => inv.items.filter((i) => i.type === InvType.Tx || i.type === InvType.WitnessTx)),
    tap((item) => peer.queue({ command: 'getdata', items: [{ type: InvType.WitnessTx, hash: item.hash }] })),
  );
  const tx$ = peer.on('tx').pipe(tap(({ tx }) => prepend('txs', txLine(tx), MAX_ROWS.txs)));
  const timeline$ = peer.messages$.pipe(tap((m) => timeline('chain', m)));
  return merge(handshake$, stats$, sync$, blocks$, block$, txInv$, tx$, timeline$).pipe(ignoreElements());
}

function txLine(tx: Transaction): string {
  const out = tx.outputs.reduce((sum, o) => sum + o.value, 0n);
  return `${shortHash(txid(tx))} · ${tx.inputs.length} in → ${tx.outputs.length} out · ${btc(out)}`;
}

const received = (e: WalletEvent): bigint => e.received.reduce((sum, r) => sum + r.value, 0n);

/** A renderer of wallet events into `#payments<suffix>`, `#balance<suffix>` and `#pending<suffix>`. */
function paymentsView(suffix: string): (e: WalletEvent) => void {
  const payments = new Map<string, WalletEvent>();
  return (e) => {
    payments.set(e.txid, e);
    const proof =
      e.proof?.kind === 'merkleblock'
        ? ` · merkle proof ${e.proof.index + 1}/${e.proof.totalTransactions}`
        : e.proof?.kind === 'block'
          ? ` · whole block, tx ${e.proof.index}`
          : '';
    const where = e.height === undefined ? '' : ` · block ${e.height}`;
    const line = `<span class="${e.status}">${e.status}</span> ${btc(received(e))} · ${e.txid.slice(0, 12)}…${where}${proof}`;
    prepend(`payments${suffix}`, line, 50, e.txid);
    const total = (status: WalletEvent['status']): bigint =>
      [...payments.values()].filter((p) => p.status === status).reduce((sum, p) => sum + received(p), 0n);
    show(`balance${suffix}`, btc(total('confirmed')));
    if (suffix === '') show('pending', btc(total('mempool'))); // compact filters see blocks only
  };
}

/**
 * A wallet kept in IndexedDB: what it was paid (shown at once from the
 * store on load), and how far every block was checked, where each session's
 * watch goes on (the birthday the first time).
 */
interface Wallet {
  /** Renders an event into the page. */
  readonly view: (e: WalletEvent) => void;
  /** `store`, `from` and `onScanned` for the next session's `watch`. */
  resume(): { store: WalletStore; from: number; onScanned: (height: number) => void };
}

function wallet(suffix: string, birthday: number, store: WalletStore): Wallet {
  const view = paymentsView(suffix);
  for (const r of store.load()) if (r.type === 'event') view(r.event); // the stored history, before any peer answers
  return {
    view,
    resume: () => ({
      store,
      from: birthday,
      onScanned: (height) => show(`scanned${suffix}`, `every block to ${height}`),
    }),
  };
}

/** The bloom peer: watch the address with BIP37 against the chain peer's verified chain. */
function bloomPeer(peer: Peer, config: DashboardConfig, chain: HeaderChain, w: Wallet): Observable<never> {
  const ready$ = defer(() => peer.handshake).pipe(tap(() => status('bloom', `watching (${peer.stats().transport})`, true)));
  const scripts = [addressToScript(config.address, network)];
  const events$ = watch({ chain, source: peer, scripts, method: 'bip37', syncChain: false, ...w.resume() });
  return merge(ready$, events$.pipe(tap(w.view)), peer.messages$.pipe(tap((m) => timeline('bloom', m)))).pipe(ignoreElements());
}

/**
 * The filters peer: BIP158 over BIP324. Its own header chain, synced and
 * verified from this peer (`watch` does it), so a filter is never asked for
 * a block this peer has not announced yet.
 */
function filtersPeer(
  peer: Peer,
  config: DashboardConfig,
  chain: HeaderChain,
  filterHeaders: FilterHeaderStore,
  w: Wallet,
): Observable<never> {
  const ready$ = defer(() => peer.handshake).pipe(
    tap(({ remote }) => {
      const { transport, sessionId } = peer.stats();
      show('filter-agent', remote.userAgent);
      show('filter-transport', transport);
      show('session-id', sessionId ?? '(none: v1)');
      status('filters', `watching (${transport})`, true);
    }),
  );
  const scripts = [addressToScript(config.address, network)];
  const events$ = watch({ chain, source: peer, scripts, method: 'bip158', filterHeaders, ...w.resume() });
  return merge(ready$, events$.pipe(tap(w.view)), peer.messages$.pipe(tap((m) => timeline('filters', m)))).pipe(ignoreElements());
}

async function main(): Promise<void> {
  const config = (await (await fetch('/config.json')).json()) as DashboardConfig;
  const urlOf = (target: string): string => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/${target}`;
  show('via', urlOf(config.target));
  show('watch-address', config.address);
  // Kept in IndexedDB: a full quota or a tab holding an older version is a StoreError, shown in the status line.
  const name = (what: string): string => `rxbtc-dashboard-${network.name}-${what}`;
  const [chainStore, chain158Store, filterHeaders, wallet37, wallet158] = await Promise.all([
    openIndexedDbHeaderStore(name('headers')),
    openIndexedDbHeaderStore(name('headers-158')),
    openIndexedDbFilterHeaderStore(name('filter-headers')),
    openIndexedDbWalletStore(name('wallet-bip37')),
    openIndexedDbWalletStore(name('wallet-bip158')),
  ]);
  const chain = createHeaderChain({ network, store: chainStore }); // one verified chain for the page's life, across reconnects
  const chain158 = createHeaderChain({ network, store: chain158Store });
  show('stored', chain.height > 0 ? `resumed at ${chain.height} from IndexedDB` : 'nothing yet (IndexedDB)');
  const bloomWallet = wallet('', config.birthday, wallet37); // and one wallet per method: a new session goes on where the last stopped
  const filterWallet = wallet('-158', config.birthday, wallet158);
  chain.tip$.pipe(throttleTime(50, undefined, { leading: true, trailing: true })).subscribe((tip) => {
    show('tip-height', String(tip.height));
    show('tip-hash', hashToHex(tip.hash));
    show('chain-work', tip.chainWork.toString());
  });
  const options = { network, transport: config.transport, pingInterval: 5000, userAgent: { name: 'rxbtc-web', version: '0.1.0' } };
  /** A peer for the life of the page: a dropped one is dialled again after 2 s. */
  const session = (role: string, target: string, use: (peer: Peer) => Observable<never>): Observable<never> =>
    peer$({ ...options, url: urlOf(target), onPeer: (p) => status(role, `connecting (${p.stats().transport})…`) }).pipe(
      switchMap(use),
      retry({
        delay: (error: unknown) => {
          status(role, `${error instanceof Error ? error.message : String(error)} · again in 2 s`);
          return timer(2000);
        },
      }),
    );
  merge(
    session('chain', config.target, (peer) => chainPeer(peer, chain)),
    session('bloom', config.target, (peer) => bloomPeer(peer, config, chain, bloomWallet)),
    session('filters', config.filterTarget, (peer) => filtersPeer(peer, config, chain158, filterHeaders, filterWallet)),
  ).subscribe();
}

main().catch((e: unknown) => status('page', `failed: ${e instanceof Error ? e.message : String(e)}`));
