import type { Observable, Subscription } from 'rxjs';
import type { ConfirmationEvent, SpendEvent } from '../../lib/notify/notify-events.js';

/** Every event of an Observable (its error too), and whether it completed; unsubscribed with `subs`. */
export function record<E>(events$: Observable<E>, subs: Subscription): { events: E[]; done: () => boolean; error: () => unknown } {
  const events: E[] = [];
  let completed = false;
  let failed: unknown;
  subs.add(
    events$.subscribe({
      next: (e) => events.push(e),
      complete: () => (completed = true),
      error: (e: unknown) => (failed = e),
    }),
  );
  return { events, done: () => completed, error: () => failed };
}

/** An event in a few characters: `conf2@111`, `spent#1@mempool`, `reorged@112`. */
export function brief(e: ConfirmationEvent | SpendEvent): string {
  if (e.type === 'confirmation') return `conf${e.confirmations}@${e.height}`;
  if (e.type === 'spent') return `spent#${e.inputIndex}@${e.height ?? 'mempool'}`;
  return `reorged@${e.height}`;
}
