import { Subscription } from 'rxjs';
import type { Peer } from '../peer/peer-api.js';
import { hashToHex } from '../wire/hex.js';
import { InvType } from '../wire/messages/inv.js';
import { txid, type Transaction } from '../wire/transaction.js';
import type { WalletTracker } from '../wallet/wallet-tracker.js';
import type { PeerSet } from './peer-set.js';

/** Transaction ids asked for at most while their answers are awaited (a flood of announcements is not a memory leak). */
const MAX_REQUESTED = 50_000;

/**
 * Unconfirmed transactions from the peers' `inv` announcements: each new
 * one is asked for once (`getdata` for its witness form, from the peer that
 * announced it first) and handed to `seen` when it arrives. Peers of a set
 * are followed as they join and left as they leave.
 */
export function followAnnouncements(
  source: readonly Peer[] | PeerSet,
  tracker: WalletTracker,
  seen: (tx: Transaction) => void,
): Subscription {
  const subs = new Subscription();
  const requested = new Set<string>();
  const perPeer = new Map<Peer, Subscription>();
  const follow = (peer: Peer): void => {
    if (perPeer.has(peer)) return;
    const s = new Subscription();
    s.add(
      peer.on('inv').subscribe((m) => {
        const wanted = m.items.filter((i) => {
          if ((i.type & 0xffff) !== InvType.Tx) return false;
          const id = hashToHex(i.hash);
          return !tracker.knows(id) && !requested.has(id);
        });
        if (wanted.length === 0 || requested.size + wanted.length > MAX_REQUESTED) return;
        for (const i of wanted) requested.add(hashToHex(i.hash));
        peer.queue({ command: 'getdata', items: wanted.map((i) => ({ type: InvType.WitnessTx, hash: i.hash })) });
      }),
    );
    s.add(
      peer.on('tx').subscribe(({ tx }) => {
        if (requested.delete(hashToHex(txid(tx)))) seen(tx);
      }),
    );
    perPeer.set(peer, s);
    subs.add(s);
  };
  const leave = (peer: Peer): void => {
    perPeer.get(peer)?.unsubscribe();
    perPeer.delete(peer);
  };
  if (Array.isArray(source)) for (const p of source as readonly Peer[]) follow(p);
  else subs.add((source as PeerSet).peers$.subscribe((c) => (c.type === 'added' ? follow(c.peer) : leave(c.peer))));
  return subs;
}
