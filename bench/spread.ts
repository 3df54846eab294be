/** A number in en-US form with exactly `digits` decimals. */
export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Fastest, median and slowest of some rounds. */
export const spreadOf = (xs: number[]): [number, number, number] => {
  const s = [...xs].sort((a, b) => a - b);
  return [s[0]!, s[Math.floor(s.length / 2)]!, s[s.length - 1]!];
};

/** `min / median / max unit`. */
export const show = (xs: number[], unit: string, digits = 0): string =>
  spreadOf(xs)
    .map((x) => fmt(x, digits))
    .join(' / ') + ` ${unit}`;
