import { Subscription } from 'rxjs';
import type { Peer } from '../peer/peer.js';
import { InvType } from '../wire/messages/inv.js';
import { FilterType, MAX_CFHEADERS_PER_MESSAGE } from '../wire/messages/compact-filters.js';
import type { FilterIndex } from './filter-index.js';

/** Most filters one `getcfilters` may ask for (BIP157). */
export const MAX_GETCFILTERS = 1000;
/** Blocks between two `cfcheckpt` headers (BIP157). */
export const CFCHECKPT_INTERVAL = 1000;

/**
 * Serve BIP157 from a {@link FilterIndex}: `getcfcheckpt`, `getcfheaders`
 * (up to 2,000), `getcfilters` (up to 1,000), and `getdata` for the blocks
 * the index holds. A request for an unknown stop block, a range that is
 * backwards or too long, or another filter type disconnects the peer, as
 * Bitcoin Core does. Advertise `ServiceFlag.CompactFilters` on the peer.
 * @returns a Subscription; unsubscribe to stop serving
 */
export function serveCompactFilters(peer: Peer, index: FilterIndex): Subscription {
  const subs = new Subscription();
  const stopOf = (filterType: number, stopHash: Uint8Array, command: string): number | undefined => {
    const stop = index.record(stopHash);
    if (filterType !== FilterType.Basic || !stop) {
      peer.disconnect(`${command} for ${filterType !== FilterType.Basic ? `filter type ${filterType}` : 'an unknown block'}`);
      return undefined;
    }
    return stop.height;
  };
  subs.add(
    peer.on('getcfcheckpt').subscribe((m) => {
      const stop = stopOf(m.filterType, m.stopHash, 'getcfcheckpt');
      if (stop === undefined) return;
      const filterHeaders: Uint8Array[] = [];
      for (let h = CFCHECKPT_INTERVAL; h <= stop; h += CFCHECKPT_INTERVAL) filterHeaders.push(index.record(h)!.header);
      peer.queue({ command: 'cfcheckpt', filterType: m.filterType, stopHash: m.stopHash, filterHeaders });
    }),
  );
  subs.add(
    peer.on('getcfheaders').subscribe((m) => {
      const stop = stopOf(m.filterType, m.stopHash, 'getcfheaders');
      if (stop === undefined) return;
      if (m.startHeight > stop || stop - m.startHeight >= MAX_CFHEADERS_PER_MESSAGE) {
        peer.disconnect(`getcfheaders range ${m.startHeight}–${stop}`);
        return;
      }
      const filterHashes: Uint8Array[] = [];
      for (let h = m.startHeight; h <= stop; h++) filterHashes.push(index.record(h)!.filterHash);
      const previousFilterHeader = m.startHeight === 0 ? new Uint8Array(32) : index.record(m.startHeight - 1)!.header;
      peer.queue({ command: 'cfheaders', filterType: m.filterType, stopHash: m.stopHash, previousFilterHeader, filterHashes });
    }),
  );
  subs.add(
    peer.on('getcfilters').subscribe((m) => {
      const stop = stopOf(m.filterType, m.stopHash, 'getcfilters');
      if (stop === undefined) return;
      if (m.startHeight > stop || stop - m.startHeight >= MAX_GETCFILTERS) {
        peer.disconnect(`getcfilters range ${m.startHeight}–${stop}`);
        return;
      }
      for (let h = m.startHeight; h <= stop; h++) {
        const r = index.record(h)!;
        peer.queue({ command: 'cfilter', filterType: m.filterType, blockHash: r.blockHash, filter: r.filter });
      }
    }),
  );
  subs.add(
    peer.on('getdata').subscribe((m) => {
      const missing = [];
      for (const item of m.items) {
        const block = (item.type & 0xffff) === InvType.Block ? index.block(item.hash) : undefined;
        if (block) peer.queue({ command: 'block', block });
        else missing.push(item);
      }
      if (missing.length) peer.queue({ command: 'notfound', items: missing });
    }),
  );
  void peer.closed.then(() => subs.unsubscribe());
  return subs;
}
