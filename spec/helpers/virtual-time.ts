import { VirtualTimeScheduler } from 'rxjs';

/** Let promise chains and microtask deliveries run (no timers involved). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
}

/** A virtual clock for whole-peer tests: every peer timer runs on it. */
export function virtualClock(): VirtualTimeScheduler {
  return new VirtualTimeScheduler();
}

/**
 * Move virtual time forward by `ms` in `step`s, running due timers at each
 * step and letting promise-driven work settle in between.
 */
export async function advance(clock: VirtualTimeScheduler, ms: number, step = 500): Promise<void> {
  const target = clock.frame + ms;
  await settle();
  while (clock.frame < target) {
    const next = Math.min(target, clock.frame + step);
    clock.maxFrames = next;
    clock.flush();
    clock.frame = next;
    await settle();
  }
}
