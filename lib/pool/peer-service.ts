import { Subject, type SchedulerLike, type Subscription } from 'rxjs';
import type { Peer } from '../peer/peer-api.js';
import type { Message } from '../wire/message.js';
import { MAX_ADDR_PER_MESSAGE } from '../wire/messages/addr.js';
import type { AddressBook, KnownAddress } from './address-book.js';
import { addrEntries, addrV2Entries, addressesFromAddr, addressesFromAddrV2 } from './address-messages.js';
import type { Broadcaster } from './broadcast.js';
import type { Endpoint } from './endpoint.js';
import { floodGuard, sentUnasked, type FloodLimits } from './flood-guard.js';
import type { PoolMessage } from './pool-events.js';

/** What {@link servePeer} needs from its pool. */
export interface PeerServiceDeps {
  /** The address book now (replaced once its file is loaded). */
  book: () => AddressBook;
  /** Learn addresses from `addr`/`addrv2`. */
  discover: boolean;
  /** Flood limits for what a peer sends unasked. */
  flood: FloodLimits | undefined;
  scheduler: SchedulerLike;
  random: () => number;
  /** Serves `getdata` for the transactions being broadcast. */
  broadcaster: Broadcaster;
  /** Where every message goes on, with its peer (the pool's `messages$`). */
  messages: Subject<PoolMessage>;
  /** Addresses were learned: `added` new to the book, `learned` all of them. */
  learned: (added: number, learned: readonly KnownAddress[]) => void;
}

/**
 * A pool's part in a peer's messages from its creation on: the flood guard
 * (a peer sending too much unasked is disconnected), addresses learned from
 * `addr`/`addrv2`, one `getaddr` answered per inbound connection (as Core),
 * `getdata` for broadcast transactions served, and every message passed on.
 * @param address - where the peer is; its host is credited with the addresses it gives
 * @returns the subscription that ends it
 */
export function servePeer(peer: Peer, address: Endpoint, deps: PeerServiceDeps): Subscription {
  let answeredGetaddr = false;
  const answerGetaddr = (): void => {
    answeredGetaddr = true; // Core answers one getaddr per connection, and only inbound ones
    const sample = deps
      .book()
      .all()
      .filter((e) => e.lastSuccess > 0 || e.attempts === 0);
    const some = sample.sort(() => deps.random() - 0.5).slice(0, MAX_ADDR_PER_MESSAGE);
    (peer.stats().wantsAddrV2 ? peer.pushAddrV2(addrV2Entries(some)) : peer.pushAddr(addrEntries(some))).catch(() => undefined);
  };
  return peer.messages$.pipe(floodGuard<Message>(deps.flood, deps.scheduler, sentUnasked)).subscribe({
    next: (message) => {
      if (deps.discover && (message.command === 'addr' || message.command === 'addrv2')) {
        const learned: KnownAddress[] =
          message.command === 'addr' ? addressesFromAddr(message.addresses) : addressesFromAddrV2(message.addresses);
        deps.learned(deps.book().add(learned, address.host), learned);
      } else if (message.command === 'getaddr' && peer.stats().inbound && !answeredGetaddr) {
        answerGetaddr();
      } else if (message.command === 'getdata') {
        deps.broadcaster.serve(peer, message.items);
      }
      deps.messages.next({ peer, message });
    },
    error: (e: unknown) => peer.disconnect(e instanceof Error ? e.message : String(e), e instanceof Error ? e : undefined),
  });
}
