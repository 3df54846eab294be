import { FSChaCha20, FSChaCha20Poly1305 } from './fs-chacha.js';
import { TAG_SIZE } from './chacha.js';

/** Bytes of the encrypted length. */
export const LENGTH_FIELD_SIZE = 3;
/** Bytes of the header (the ignore bit) before the contents. */
export const HEADER_SIZE = 1;
/** The ignore bit in the header: the packet is a decoy. */
export const IGNORE_BIT = 0x80;
/** Bytes a packet adds to its contents: length, header, tag. */
export const PACKET_OVERHEAD = LENGTH_FIELD_SIZE + HEADER_SIZE + TAG_SIZE;

/** An opened packet. */
export interface OpenedPacket {
  /** The ignore bit: a decoy to drop. */
  ignore: boolean;
  /** The contents (message type and payload). */
  contents: Uint8Array;
}

/** One direction's ciphers: FSChaCha20 for lengths, FSChaCha20Poly1305 for the header and contents. */
export class PacketCipher {
  private readonly lengths: FSChaCha20;
  private readonly packets: FSChaCha20Poly1305;

  /**
   * @param lengthKey - the direction's L key
   * @param packetKey - the direction's P key
   */
  constructor(lengthKey: Uint8Array, packetKey: Uint8Array) {
    this.lengths = new FSChaCha20(lengthKey);
    this.packets = new FSChaCha20Poly1305(packetKey);
  }

  /** v2_enc_packet: encrypted length ‖ sealed header and contents. */
  encrypt(contents: Uint8Array, aad: Uint8Array = new Uint8Array(0), ignore = false): Uint8Array {
    const plaintext = new Uint8Array(HEADER_SIZE + contents.length);
    plaintext.set(contents, HEADER_SIZE);
    return this.encryptPlaintext(plaintext, aad, ignore);
  }

  /** Like {@link PacketCipher.encrypt} for contents already after a header byte (`plaintext[0]`, overwritten): no copy. */
  encryptPlaintext(plaintext: Uint8Array, aad: Uint8Array = new Uint8Array(0), ignore = false): Uint8Array {
    const n = plaintext.length - HEADER_SIZE;
    if (n < 0 || n > 0xffffff) throw new RangeError('v2 contents are 0 to 2^24 - 1 bytes');
    plaintext[0] = ignore ? IGNORE_BIT : 0;
    const out = this.packets.encrypt(aad, plaintext, LENGTH_FIELD_SIZE);
    out.set(this.lengths.crypt(Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, n >>> 16)), 0);
    return out;
  }

  /** Decrypt a packet's 3-byte length field: the contents length (advances the length cipher). */
  decryptLength(field: Uint8Array): number {
    const b = this.lengths.crypt(field);
    return b[0]! | (b[1]! << 8) | (b[2]! << 16);
  }

  /** Open header ‖ contents ‖ tag; undefined when it does not authenticate. */
  decrypt(sealed: Uint8Array, aad: Uint8Array = new Uint8Array(0)): OpenedPacket | undefined {
    const plaintext = this.packets.decrypt(aad, sealed);
    if (!plaintext) return undefined;
    return { ignore: (plaintext[0]! & IGNORE_BIT) !== 0, contents: plaintext.subarray(HEADER_SIZE) };
  }
}
