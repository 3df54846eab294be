/**
 * btcd's PushAddrMsg selection: drop addresses the peer already knows and,
 * when more than `max` remain, send a random `max` of them (Fisher-Yates
 * with `random`, so tests can fix it).
 */
export function selectAddresses<T>(
  addresses: readonly T[],
  isKnown: (a: T) => boolean,
  max: number,
  random: () => number = Math.random,
): T[] {
  const fresh = addresses.filter((a) => !isKnown(a));
  if (fresh.length <= max) return fresh;
  for (let i = fresh.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [fresh[i], fresh[j]] = [fresh[j]!, fresh[i]!];
  }
  return fresh.slice(0, max);
}
