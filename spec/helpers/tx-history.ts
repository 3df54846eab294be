/** A `tx` line of `rxbtc watch --json`, as far as its history matters. */
export interface TxLine {
  txid: string;
  status: string;
  height?: number;
  blockHash?: string;
}

/** Where a wallet transaction ended up: the block of the final best chain that holds it. */
export interface FinalPlace {
  height: number;
  blockHash: string;
}

/** The `tx` lines among JSON lines (anything else is skipped). */
export function txLinesOf(lines: readonly Record<string, unknown>[]): TxLine[] {
  return lines.filter((l) => l['event'] === 'tx') as unknown as TxLine[];
}

const show = (e: TxLine): string => `${e.status}${e.height === undefined ? '' : `@${e.height}`}`;

/**
 * What is wrong with the story a watch told, transaction by transaction (an
 * empty list when nothing is). The watch's contract: `mempool` only for a
 * transaction not confirmed now; `confirmed` in a block only when it is not
 * confirmed already; `reorged` only for the block it was last confirmed in;
 * so a transaction whose block left the chain is `reorged` from it and then
 * `confirmed` again where it came back, never twice in one block. At the
 * end, a transaction of the final chain was last told `confirmed` in its
 * final block, exactly once; any other one told was last told `reorged` (its
 * block left and it never came back). Transactions in neither `final` nor
 * `gone` must not be told at all.
 * @param events - the `tx` lines, in the order printed
 * @param final - txid → where it is on the final chain
 * @param gone - txids of wallet transactions that left the chain for good (a reorganised coinbase)
 */
export function txHistoryProblems(events: readonly TxLine[], final: ReadonlyMap<string, FinalPlace>, gone: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const byTx = new Map<string, TxLine[]>();
  for (const e of events) {
    if (!final.has(e.txid) && !gone.has(e.txid)) problems.push(`${e.txid}: told ${show(e)}, but it is no wallet transaction`);
    byTx.set(e.txid, [...(byTx.get(e.txid) ?? []), e]);
  }
  for (const [id, told] of byTx) {
    let state: TxLine | undefined;
    for (const e of told) {
      const ok =
        e.status === 'mempool'
          ? state?.status !== 'confirmed' && state?.status !== 'mempool'
          : e.status === 'confirmed'
            ? state?.status !== 'confirmed'
            : state?.status === 'confirmed' && state.blockHash === e.blockHash;
      if (!ok) problems.push(`${id}: ${show(e)} after ${state ? show(state) : 'nothing'} (${told.map(show).join(', ')})`);
      state = e;
    }
    const place = final.get(id);
    if (place) {
      const last = told.at(-1)!;
      if (last.status !== 'confirmed' || last.blockHash !== place.blockHash || last.height !== place.height)
        problems.push(`${id}: last told ${show(last)}, but it is in block ${place.height} (${told.map(show).join(', ')})`);
      const times = told.filter((e) => e.status === 'confirmed' && e.blockHash === place.blockHash).length;
      if (times !== 1) problems.push(`${id}: told confirmed in its final block ${times} times`);
    } else if (gone.has(id) && told.at(-1)!.status !== 'reorged')
      problems.push(`${id}: left the chain, but last told ${show(told.at(-1)!)}`);
  }
  for (const [id, place] of final) if (!byTx.has(id)) problems.push(`${id}: in block ${place.height}, never told`);
  return problems;
}
