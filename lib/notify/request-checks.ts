/**
 * Check a height hint.
 * @throws RangeError when it is not a height
 */
export function checkHint(hint: number): void {
  if (!Number.isSafeInteger(hint) || hint < 0) throw new RangeError(`a height hint is a height: ${hint}`);
}

/**
 * A requested depth, 1 when absent.
 * @throws RangeError when it is not a whole number of at least 1
 */
export function checkDepth(depth: number | undefined): number {
  const d = depth ?? 1;
  if (!Number.isSafeInteger(d) || d < 1) throw new RangeError(`depth is a whole number of at least 1: ${d}`);
  return d;
}

/**
 * Check an output script.
 * @throws TypeError when it is not bytes
 */
export function checkScript(script: unknown): void {
  if (!(script instanceof Uint8Array)) throw new TypeError('script is the output script as a Uint8Array');
}
