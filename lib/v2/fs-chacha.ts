import { aeadDecrypt, aeadEncrypt, chacha20Keystream } from './chacha.js';

/** Packets (or length chunks) between rekeyings (BIP324). */
export const REKEY_INTERVAL = 224;

/** The 12-byte nonce low32 ‖ rekeys (64-bit), little-endian, written into `out` (a cipher's own scratch). */
function nonce(low: number, rekeys: number, out: Uint8Array = new Uint8Array(12)): Uint8Array {
  const high = Math.floor(rekeys / 0x1_0000_0000);
  for (let i = 0; i < 4; i++) {
    out[i] = (low >>> (8 * i)) & 0xff;
    out[4 + i] = (rekeys >>> (8 * i)) & 0xff;
    out[8 + i] = (high >>> (8 * i)) & 0xff;
  }
  return out;
}

/**
 * FSChaCha20: the length cipher. One ChaCha20 keystream per key (nonce:
 * 0 ‖ rekeys), used 3 bytes per packet; after 224 chunks the next 32
 * keystream bytes become the key. The keystream of a whole key period is
 * made at once (for 3-byte chunks: 672 + 32 bytes, exactly 11 blocks).
 */
export class FSChaCha20 {
  private key: Uint8Array;
  private readonly chunkSize: number;
  private chunks = 0;
  private rekeys = 0;
  private stream: Uint8Array;
  private at = 0;

  /**
   * @param key - 32-byte initial key
   * @param chunkSize - bytes per chunk @default 3
   */
  constructor(key: Uint8Array, chunkSize = 3) {
    this.key = key;
    this.chunkSize = chunkSize;
    this.stream = this.period();
  }

  private period(): Uint8Array {
    return chacha20Keystream(this.key, nonce(0, this.rekeys), 0, REKEY_INTERVAL * this.chunkSize + 32);
  }

  /** Encrypt or decrypt one chunk (XOR with the keystream), rekeying after every 224th. */
  crypt(chunk: Uint8Array): Uint8Array {
    if (chunk.length !== this.chunkSize) throw new RangeError(`FSChaCha20 chunks are ${this.chunkSize} bytes`);
    const out = new Uint8Array(chunk.length);
    for (let i = 0; i < chunk.length; i++) out[i] = chunk[i]! ^ this.stream[this.at + i]!;
    this.at += chunk.length;
    if (++this.chunks % REKEY_INTERVAL === 0) {
      this.key = this.stream.slice(this.at, this.at + 32);
      this.rekeys++;
      this.stream = this.period();
      this.at = 0;
    }
    return out;
  }
}

/**
 * FSChaCha20Poly1305: the packet AEAD. The nonce is the packet number
 * within the key ‖ the number of rekeyings; after 224 packets the key is
 * the first 32 bytes of encrypting 32 zero bytes with nonce 0xffffffff ‖ rekeys.
 */
export class FSChaCha20Poly1305 {
  private key: Uint8Array;
  private packets = 0;
  private rekeys = 0;
  /** Nonce scratch: both backends read the nonce during the call only. */
  private readonly scratch = new Uint8Array(12);

  /** @param key - 32-byte initial key */
  constructor(key: Uint8Array) {
    this.key = key;
  }

  /**
   * Seal `plaintext` with `aad`: ciphertext ‖ tag.
   * @param prefix - bytes left free before the ciphertext
   */
  encrypt(aad: Uint8Array, plaintext: Uint8Array, prefix = 0): Uint8Array {
    const out = aeadEncrypt(this.key, nonce(this.packets, this.rekeys, this.scratch), aad, plaintext, prefix);
    this.advance();
    return out;
  }

  /** Open a sealed packet; undefined when it does not authenticate (the state advances either way). */
  decrypt(aad: Uint8Array, sealed: Uint8Array): Uint8Array | undefined {
    const out = aeadDecrypt(this.key, nonce(this.packets, this.rekeys, this.scratch), aad, sealed);
    this.advance();
    return out;
  }

  private advance(): void {
    if (++this.packets === REKEY_INTERVAL) {
      this.key = aeadEncrypt(this.key, nonce(0xffffffff, this.rekeys), new Uint8Array(0), new Uint8Array(32)).slice(0, 32);
      this.packets = 0;
      this.rekeys++;
    }
  }
}
