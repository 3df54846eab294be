import type { ChainEntry } from '../chain/chain-entry.js';
import type { WalletTracker } from '../wallet/wallet-tracker.js';
import { GcsFilter } from './gcs-filter.js';
import type { ScriptLookahead } from './script-lookahead.js';

/**
 * How a scan matches a checked filter against a wallet: its watched
 * scripts (a live list: scripts derived on the way count from then on) and
 * the scripts ahead of the keychains, whose hits are recorded rather than
 * fetched. A filter that matches neither (nearly all) is decoded once.
 */
export function walletMatcher(tracker: WalletTracker, lookahead: ScriptLookahead): (entry: ChainEntry, filter: Uint8Array) => boolean {
  let combined: Uint8Array[] = [];
  let combinedFor = -1;
  return (entry, bytes) => {
    const filter = GcsFilter.decode(bytes, entry.hash);
    const known = tracker.scriptList;
    if (lookahead.list.length === 0) return filter.matchAny(known);
    if (combinedFor !== known.length) {
      combined = [...known, ...lookahead.list];
      combinedFor = known.length;
    }
    if (!filter.matchAny(combined)) return false;
    if (filter.matchAny(known)) return true;
    lookahead.record(entry.height, filter);
    return false;
  };
}

/** A matcher for a second pass over filters with only `scripts` (derived after their blocks were scanned). */
export function scriptsMatcher(scripts: readonly Uint8Array[]): (entry: ChainEntry, filter: Uint8Array) => boolean {
  return (entry, bytes) => GcsFilter.decode(bytes, entry.hash).matchAny(scripts);
}
