/** A uniformly random 64-bit nonce from the platform CSPRNG. */
export function randomNonce(): bigint {
  const words = new Uint32Array(2);
  globalThis.crypto.getRandomValues(words);
  return (BigInt(words[0]!) << 32n) | BigInt(words[1]!);
}
