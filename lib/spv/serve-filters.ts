import { Subscription, concatMap, map, merge } from 'rxjs';
import type { Message } from '../wire/message.js';
import type { InventoryMessage } from '../wire/messages/inv.js';
import type { GetCFCheckptMessage, GetCFHeadersMessage, GetCFiltersMessage } from '../wire/messages/compact-filters.js';
import type { Peer } from '../peer/peer-api.js';
import { InvType } from '../wire/messages/inv.js';
import { FilterType, MAX_CFHEADERS_PER_MESSAGE } from '../wire/messages/compact-filters.js';
import type { FilterSource } from './filter-index.js';

/** Most filters one `getcfilters` may ask for (BIP157). */
export const MAX_GETCFILTERS = 1000;
/** Blocks between two `cfcheckpt` headers (BIP157). */
export const CFCHECKPT_INTERVAL = 1000;

/**
 * Serve BIP157 from a {@link FilterSource} (such as a `FilterIndex`): `getcfcheckpt`, `getcfheaders`
 * (up to 2,000), `getcfilters` (up to 1,000), and `getdata` for the blocks
 * the index holds. A request for an unknown stop block, a range that is
 * backwards or too long, or another filter type disconnects the peer, as
 * Bitcoin Core does. Advertise `ServiceFlag.CompactFilters` on the peer.
 * `getdata` for compact blocks is left to `serveCompactBlocks`.
 * @returns a Subscription; unsubscribe to stop serving
 */
export function serveCompactFilters(peer: Peer, index: FilterSource): Subscription {
  const subs = new Subscription();
  const stopOf = (filterType: number, stopHash: Uint8Array, command: string): number | undefined => {
    const stop = index.record(stopHash);
    if (filterType !== FilterType.Basic || !stop) {
      peer.disconnect(`${command} for ${filterType !== FilterType.Basic ? `filter type ${filterType}` : 'an unknown block'}`);
      return undefined;
    }
    return stop.height;
  };
  const cfcheckpt = (m: GetCFCheckptMessage): Message[] => {
    const stop = stopOf(m.filterType, m.stopHash, 'getcfcheckpt');
    if (stop === undefined) return [];
    const filterHeaders: Uint8Array[] = [];
    for (let h = CFCHECKPT_INTERVAL; h <= stop; h += CFCHECKPT_INTERVAL) filterHeaders.push(index.record(h)!.header);
    return [{ command: 'cfcheckpt', filterType: m.filterType, stopHash: m.stopHash, filterHeaders }];
  };
  const cfheaders = (m: GetCFHeadersMessage): Message[] => {
    const stop = stopOf(m.filterType, m.stopHash, 'getcfheaders');
    if (stop === undefined) return [];
    if (m.startHeight > stop || stop - m.startHeight >= MAX_CFHEADERS_PER_MESSAGE) {
      peer.disconnect(`getcfheaders range ${m.startHeight}–${stop}`);
      return [];
    }
    const filterHashes: Uint8Array[] = [];
    for (let h = m.startHeight; h <= stop; h++) filterHashes.push(index.record(h)!.filterHash);
    const previousFilterHeader = m.startHeight === 0 ? new Uint8Array(32) : index.record(m.startHeight - 1)!.header;
    return [{ command: 'cfheaders', filterType: m.filterType, stopHash: m.stopHash, previousFilterHeader, filterHashes }];
  };
  function* cfilters(m: GetCFiltersMessage): Generator<Message> {
    const stop = stopOf(m.filterType, m.stopHash, 'getcfilters');
    if (stop === undefined) return;
    if (m.startHeight > stop || stop - m.startHeight >= MAX_GETCFILTERS) {
      peer.disconnect(`getcfilters range ${m.startHeight}–${stop}`);
      return;
    }
    for (let h = m.startHeight; h <= stop; h++) {
      const r = index.record(h)!;
      yield { command: 'cfilter', filterType: m.filterType, blockHash: r.blockHash, filter: r.filter };
    }
  }
  function* blocks(m: InventoryMessage<'getdata'>): Generator<Message> {
    const missing = [];
    for (const item of m.items) {
      if (item.type === InvType.CompactBlock) continue; // BIP152's, answered by serveCompactBlocks
      const block = (item.type & 0xffff) === InvType.Block ? index.block(item.hash) : undefined;
      if (block) yield { command: 'block', block };
      else missing.push(item);
    }
    if (missing.length) yield { command: 'notfound', items: missing };
  }
  // One request at a time, each reply written before the next is encoded: a getcfilters for 1,000 blocks is 1,000
  // messages, far more than the outbound queue holds, so they go out as the socket takes them (and in order).
  const replies$ = merge(
    peer.on('getcfcheckpt').pipe(map(cfcheckpt)),
    peer.on('getcfheaders').pipe(map(cfheaders)),
    peer.on('getcfilters').pipe(map(cfilters)),
    peer.on('getdata').pipe(map(blocks)),
  );
  subs.add(
    replies$
      .pipe(
        concatMap(async (messages) => {
          for (const m of messages) await peer.send(m);
        }),
      )
      .subscribe({ error: () => undefined }), // a send fails only once the peer is gone
  );
  void peer.closed.then(() => subs.unsubscribe());
  return subs;
}
