import { EMPTY, Observable, Subject, Subscription, catchError, concatMap, skip, takeUntil, throwError } from 'rxjs';
import type { HeaderChain } from '../chain/header-chain.js';
import type { Watcher } from './watcher.js';
import type { WatcherRegistry } from './watcher-registry.js';

/** What {@link scanLoop} runs and tells. */
export interface ScanLoopOptions {
  /** The verified header chain. */
  chain: HeaderChain;
  /** The registrations. */
  registry: WatcherRegistry;
  /** One scan; `kick` asks for another after it (a tip or joiners it did not cover). */
  scan: (kick: () => void) => Observable<never>;
  /** Told of each registration added, before a scan is asked for (the running pass joins it). */
  added: (watcher: Watcher) => void;
  /** Told of a reorganisation once the registrations undid what left, before a scan is asked for. */
  reorganised?: (forkHeight: number) => void;
  /** What a failed scan becomes. @default its error */
  retry?: (error: unknown, kick: () => void) => Observable<never>;
}

/**
 * The scans of a notifier's registrations, one at a time: one when
 * subscribed, and one more (at most one waiting) whenever a registration is
 * added, the tip moves or a reorganisation stops the running one (which
 * stops before what the blocks that left held is undone). No scan runs while
 * nothing is registered.
 */
export function scanLoop(options: ScanLoopOptions): Observable<never> {
  const { chain, registry } = options;
  return new Observable<never>((subscriber) => {
    const subs = new Subscription();
    const triggers = new Subject<void>();
    const aborts = new Subject<void>();
    let waiting = false;
    const kick = (): void => {
      if (waiting || registry.size === 0) return;
      waiting = true;
      triggers.next();
    };
    const retry = options.retry ?? ((e: unknown) => throwError(() => e));
    subs.add(
      triggers
        .pipe(
          concatMap(() => {
            waiting = false;
            return registry.size === 0
              ? EMPTY
              : options.scan(kick).pipe(
                  takeUntil(aborts),
                  catchError((e: unknown) => retry(e, kick)),
                );
          }),
        )
        .subscribe({ error: (e: unknown) => subscriber.error(e) }),
    );
    subs.add(
      registry.added$.subscribe((w) => {
        options.added(w);
        kick();
      }),
    );
    subs.add(
      chain.reorg$.subscribe((r) => {
        aborts.next();
        registry.reorganised(
          r.forkHeight,
          r.disconnected.map((d) => d.hashHex),
        );
        options.reorganised?.(r.forkHeight);
        kick();
      }),
    );
    subs.add(
      chain.tip$.pipe(skip(1)).subscribe((tip) => {
        registry.tip(tip.height);
        kick();
      }),
    );
    kick();
    return subs;
  });
}
