/** The largest sized allocations seen while a function ran. */
export interface Allocations {
  /** Largest `new Array(n)` (or `Array(n)`) length. */
  array: number;
  /** Largest `new Uint8Array(n)` length. */
  bytes: number;
}

type Constructor = abstract new (...args: never[]) => unknown;

function watched<C extends Constructor>(real: C, record: (n: number) => void): C {
  const note = (args: readonly unknown[]): void => {
    if (args.length === 1 && typeof args[0] === 'number') record(args[0]);
  };
  return new Proxy(real, {
    construct(target, args, newTarget) {
      note(args);
      return Reflect.construct(target, args, newTarget) as object;
    },
    apply(target, self, args) {
      note(args);
      return Reflect.apply(target as unknown as (...a: unknown[]) => unknown, self, args);
    },
  });
}

/**
 * Run `fn` with the global `Array` and `Uint8Array` constructors watched,
 * and report the largest length asked of each. Decoders size their arrays
 * from counts read off the wire; this is how a fuzz case shows that no
 * count was trusted beyond the bytes that back it. Synchronous code only:
 * the real constructors are back in place when this returns.
 */
export function trackAllocations<T>(fn: () => T): { value: T; allocations: Allocations } | { error: unknown; allocations: Allocations } {
  const g = globalThis as { Array: ArrayConstructor; Uint8Array: Uint8ArrayConstructor };
  const realArray = g.Array;
  const realBytes = g.Uint8Array;
  const allocations: Allocations = { array: 0, bytes: 0 };
  g.Array = watched(realArray, (n) => (allocations.array = Math.max(allocations.array, n)));
  g.Uint8Array = watched(realBytes, (n) => (allocations.bytes = Math.max(allocations.bytes, n)));
  try {
    return { value: fn(), allocations };
  } catch (error) {
    return { error, allocations };
  } finally {
    g.Array = realArray;
    g.Uint8Array = realBytes;
  }
}
