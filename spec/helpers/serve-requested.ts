import { InvType, hashToHex, txid, type Message, type Transaction } from '../../lib/index.js';
import type { ScriptedRemote } from './scripted-remote.js';
import { settle } from './virtual-time.js';

/** The `getdata` items a scripted remote has received, in order. */
const getdataItems = (r: ScriptedRemote): { type: number; hash: Uint8Array }[] =>
  r.received.flatMap((m: Message) => (m.command === 'getdata' ? m.items : []));

/**
 * Answer every `getdata` item a scripted remote received for `txs` (from
 * the `from`-th item on, by default those still to come) with the
 * transaction, again as more are asked, until nothing new is asked;
 * optionally announce them first.
 * @returns how many items were answered
 */
export async function serveRequested(
  r: ScriptedRemote,
  txs: readonly Transaction[],
  options: { announce?: boolean; from?: number } = {},
): Promise<number> {
  const byId = new Map(txs.map((tx) => [hashToHex(txid(tx)), tx]));
  const from = options.from ?? getdataItems(r).length;
  let served = from;
  if (options.announce) {
    await r.send({ command: 'inv', items: txs.map((tx) => ({ type: InvType.Tx, hash: txid(tx) })) });
    await settle();
  }
  for (;;) {
    const items = getdataItems(r).slice(served);
    if (items.length === 0) return served - from;
    served += items.length;
    for (const i of items) await r.send({ command: 'tx', tx: byId.get(hashToHex(i.hash))! });
    await settle();
  }
}
