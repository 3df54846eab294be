import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { checksum, fromHex, sha256, sha256Backend, sha256d, toHex } from '../../lib/index.js';

describe('hashing', () => {
  it('uses node:crypto under Node', () => {
    expect(sha256Backend).toBe('node:crypto');
  });

  it('matches the FIPS 180-2 vectors', () => {
    expect(toHex(sha256(new TextEncoder().encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('gives the empty-payload frame checksum 5df6e0e2', () => {
    expect(toHex(sha256d(new Uint8Array(0))).slice(0, 8)).toBe('5df6e0e2');
    expect(checksum(new Uint8Array(0))).toBe(0xe2e0f65d);
  });

  it('agrees with the pure-JS fallback on many lengths', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 1000, 100_000]) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      expect(toHex(sha256(data))).toBe(toHex(nobleSha256(data)));
    }
    expect(toHex(sha256d(fromHex('00')))).toBe(toHex(nobleSha256(nobleSha256(fromHex('00')))));
  });
});
