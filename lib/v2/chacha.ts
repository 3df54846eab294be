import { chacha20, chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { nodeBuiltin } from '../wire/node-builtin.js';

/** The subset of `node:crypto` used here, looked up at run time. */
interface NodeCipher {
  setAAD(aad: Uint8Array, options: { plaintextLength: number }): NodeCipher;
  setAuthTag(tag: Uint8Array): NodeCipher;
  getAuthTag(): Uint8Array;
  update(data: Uint8Array): Uint8Array;
  final(): Uint8Array;
}
interface NodeCrypto {
  createCipheriv(algorithm: string, key: Uint8Array, iv: Uint8Array, options?: { authTagLength: number }): NodeCipher;
  createDecipheriv(algorithm: string, key: Uint8Array, iv: Uint8Array, options?: { authTagLength: number }): NodeCipher;
  getCiphers(): string[];
}

/** Node's ChaCha20 and ChaCha20-Poly1305 (see `nodeBuiltin`); undefined in browsers or an OpenSSL without them. */
function findNodeCrypto(): NodeCrypto | undefined {
  const mod = nodeBuiltin<NodeCrypto>('node:crypto');
  if (typeof mod?.createCipheriv !== 'function' || typeof mod.getCiphers !== 'function') return undefined;
  const ciphers = mod.getCiphers();
  return ciphers.includes('chacha20') && ciphers.includes('chacha20-poly1305') ? (mod as NodeCrypto) : undefined;
}

const node = findNodeCrypto();

/** A Buffer as a plain Uint8Array view (readers stay monomorphic on Uint8Array). */
const plain = (b: Uint8Array): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** Which ChaCha20 backend this module uses, chosen once at load. */
export const chachaBackend: 'node:crypto' | '@noble/ciphers' = node ? 'node:crypto' : '@noble/ciphers';

/** Authentication tag length of ChaCha20-Poly1305. */
export const TAG_SIZE = 16;

/** `length` bytes of the ChaCha20 keystream (RFC 8439) for a 32-byte key and 12-byte nonce, from block `counter`. */
export function chacha20Keystream(key: Uint8Array, nonce: Uint8Array, counter: number, length: number): Uint8Array {
  const zeros = new Uint8Array(length);
  if (!node) return chacha20(key, nonce, zeros, undefined, counter);
  const iv = new Uint8Array(16);
  new DataView(iv.buffer).setUint32(0, counter, true);
  iv.set(nonce, 4);
  return plain(node.createCipheriv('chacha20', key, iv).update(zeros));
}

/**
 * AEAD_CHACHA20_POLY1305 encryption: ciphertext ‖ 16-byte tag.
 * @param prefix - bytes left free (zero) before the ciphertext, for a caller's header
 */
export function aeadEncrypt(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, prefix = 0): Uint8Array {
  const out = new Uint8Array(prefix + plaintext.length + TAG_SIZE);
  if (!node) {
    out.set(chacha20poly1305(key, nonce, aad).encrypt(plaintext), prefix);
    return out;
  }
  const c = node.createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_SIZE });
  c.setAAD(aad, { plaintextLength: plaintext.length });
  out.set(c.update(plaintext), prefix);
  c.final();
  out.set(c.getAuthTag(), prefix + plaintext.length);
  return out;
}

/** AEAD_CHACHA20_POLY1305 decryption; undefined when the tag does not authenticate. */
export function aeadDecrypt(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | undefined {
  if (sealed.length < TAG_SIZE) return undefined;
  if (!node) {
    try {
      return chacha20poly1305(key, nonce, aad).decrypt(sealed);
    } catch {
      return undefined;
    }
  }
  const bodyLength = sealed.length - TAG_SIZE;
  const d = node.createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_SIZE });
  d.setAAD(aad, { plaintextLength: bodyLength });
  d.setAuthTag(sealed.subarray(bodyLength));
  const body = d.update(sealed.subarray(0, bodyLength));
  try {
    d.final();
  } catch {
    return undefined;
  }
  return plain(body);
}
