import { chacha20, chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { TAG_SIZE, aeadDecrypt, aeadEncrypt, chacha20Keystream, chachaBackend } from '../../lib/index.js';

/** The run-time backend (node:crypto here) and the browser one (@noble/ciphers) give the same bytes. */
describe(`ChaCha20 backends (${chachaBackend} against @noble/ciphers)`, () => {
  const key = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
  const nonce = Uint8Array.from({ length: 12 }, (_, i) => 255 - i);

  it.each([0, 1, 63, 64, 65, 1300, 80_000])('AEAD of %i bytes, with and without AAD, and a prefix', (n) => {
    const plaintext = Uint8Array.from({ length: n }, (_, i) => (i * 31) & 0xff);
    for (const aad of [new Uint8Array(0), Uint8Array.of(1, 2, 3)]) {
      const sealed = aeadEncrypt(key, nonce, aad, plaintext, 3);
      expect(sealed.subarray(0, 3)).toEqual(new Uint8Array(3));
      expect(sealed.subarray(3)).toEqual(chacha20poly1305(key, nonce, aad).encrypt(plaintext));
      expect(aeadDecrypt(key, nonce, aad, sealed.subarray(3))).toEqual(plaintext);
      const bad = sealed.slice(3);
      bad[bad.length - 1 - (n % TAG_SIZE)]! ^= 1;
      expect(aeadDecrypt(key, nonce, aad, bad)).toBeUndefined();
    }
  });

  it('keystream from any block counter', () => {
    for (const counter of [0, 1, 7]) {
      expect(chacha20Keystream(key, nonce, counter, 704)).toEqual(chacha20(key, nonce, new Uint8Array(704), undefined, counter));
    }
  });
});
