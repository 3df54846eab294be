import { Observable, Subscription } from 'rxjs';
import type { HeaderChain } from '../chain/header-chain.js';
import type { ConfirmationEvent, SpendEvent } from './notify-events.js';
import type { NotifierJournal } from './notifier-journal.js';
import type { StoredRequest } from './notifier-records.js';
import type { Watcher } from './watcher.js';
import type { WatcherContext } from './watcher-context.js';
import type { WatcherRegistry } from './watcher-registry.js';

/** What a registration runs in. */
export interface RegistrationDeps {
  /** The verified header chain. */
  chain: HeaderChain;
  /** The running registrations. */
  registry: WatcherRegistry;
  /** The network work, shared by every registration (subscribed while this one is). */
  engine$: Observable<never>;
  /** The store's memory, when the notifier has a store. */
  journal: NotifierJournal | undefined;
  /** Running registrations' numbers in the store. */
  running: Map<Watcher, number>;
  /** The last height every running registration was checked to (progress written when one leaves). */
  checkedTo(): number;
}

/**
 * A registration as an Observable: while subscribed, the watcher `make`
 * builds runs in the registry (and the network work with it); its events are
 * delivered, then recorded when the notifier has a store. A stored one
 * (`stored`) first gets back what it delivered before (nothing is delivered
 * again), where it was checked to (less what a reorganisation while the
 * notifier was down took away), and tells `reorged` for a block it told of
 * that left the best chain meanwhile.
 */
export function runRegistration<E>(
  deps: RegistrationDeps,
  make: (context: WatcherContext<E>) => Watcher<E>,
  stored?: StoredRequest,
): Observable<E> {
  const { chain, registry, journal, running } = deps;
  return new Observable<E>((subscriber) => {
    const subs = new Subscription();
    let id: number | undefined;
    const w = make({
      height: () => chain.height,
      emit: (e) => {
        subscriber.next(e);
        if (id !== undefined && isStored(e)) journal?.delivered(id, e);
      },
      finish: () => {
        if (id !== undefined) journal?.finished(id);
        subscriber.complete();
      },
    });
    subs.add(deps.engine$.subscribe({ error: (e: unknown) => subscriber.error(e) }));
    const start = (): void => {
      if (w.done) {
        if (id !== undefined) journal?.finished(id);
        subscriber.complete();
        return;
      }
      registry.add(w);
      if (id !== undefined) running.set(w, id);
      w.tip(chain.height);
    };
    if (!journal || !stored) start();
    else {
      subs.add(
        journal.ready(chain).subscribe(() => {
          const restored = journal.open(w.key, stored, chain);
          id = restored.id;
          // The store keeps each registration's events under its key: they are of this watcher's kind.
          for (const e of restored.events) w.replay(e as E);
          if (restored.checkedBelow !== undefined) w.needs.remove(w.heightHint, restored.checkedBelow - 1);
          const placed = w.confirmedIn;
          if (placed && chain.header(placed.height)?.hashHex !== placed.blockHash) w.disconnected(new Set([placed.blockHash]));
          if (!subscriber.closed) start();
        }),
      );
    }
    subs.add(() => {
      registry.remove(w);
      running.delete(w);
      if (id !== undefined && !w.done) journal?.checked(chain, deps.checkedTo(), new Map([[w, id]]), true);
    });
    return subs;
  });
}

/** Whether an event is one a store keeps (a confirmation or spend registration's, not a utxo answer). */
function isStored(e: unknown): e is ConfirmationEvent | SpendEvent {
  return typeof e === 'object' && e !== null && 'type' in e;
}
