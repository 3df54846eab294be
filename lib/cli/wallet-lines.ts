import type { WatchResume } from '../spv/watch.js';
import type { WalletEvent } from '../wallet/wallet-tracker.js';
import type { WalletBalance } from '../wallet/wallet-view.js';
import type { EventWriter } from './output.js';

/** Satoshis as BTC with 8 decimals. */
export const btc = (sats: bigint): string => `${sats / 100_000_000n}.${(sats % 100_000_000n).toString().padStart(8, '0')}`;

function txText(e: WalletEvent): string {
  const got = e.received.reduce((s, r) => s + r.value, 0n);
  const where =
    e.status === 'mempool'
      ? 'in the mempool'
      : `${e.status === 'reorged' ? 'reorged out of' : 'confirmed in'} block ${e.height} (${e.blockHash})`;
  const proof = e.proof ? `, proof: ${e.proof.kind === 'merkleblock' ? 'merkle path' : 'block'} #${e.proof.index}` : '';
  const origin = e.origin ? ` (${e.origin.keychain} #${e.origin.index})` : '';
  return `tx ${e.txid} ${where}: receives ${btc(got)} BTC in ${e.received.length} output(s)${origin}, spends ${e.spent.length} of ours${proof}`;
}

/** A `tx` line: one change to a watched transaction (amounts in satoshis). */
export function tellTx(out: EventWriter, e: WalletEvent): void {
  out('tx', txText(e), {
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
  });
}

/** A `balance` line (satoshis). */
export function tellBalance(out: EventWriter, b: WalletBalance, utxos: number): void {
  out('balance', `balance: ${btc(b.confirmed)} BTC confirmed, ${btc(b.unconfirmed)} BTC unconfirmed (${utxos} unspent output(s))`, {
    confirmed: Number(b.confirmed),
    unconfirmed: Number(b.unconfirmed),
    utxos,
  });
}

/** The `resumed` line of a stored wallet: where the watch goes on from, with `headers` the chain's height. */
export function tellResume(out: EventWriter, r: WatchResume, headers: number): void {
  const where = r.checked ? `block ${r.checked.height} (${r.checked.hash}) was checked` : 'nothing was checked yet';
  out('resumed', `wallet of ${r.scripts} script(s), ${r.events} event(s) told before; ${where}; scanning from ${r.from ?? 'the tip'}`, {
    from: r.from ?? null,
    checked: r.checked?.height ?? null,
    hash: r.checked?.hash ?? null,
    birthday: r.birthday ?? null,
    scripts: r.scripts,
    events: r.events,
    reorged: r.reorged,
    headers,
  });
}
