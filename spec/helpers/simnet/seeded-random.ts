/**
 * A small deterministic generator of numbers in [0, 1) (mulberry32): the
 * simulated internet's jitter is the same in every run with the same seed.
 * @param seed - any 32-bit integer
 * @returns a function giving the next number each call
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
