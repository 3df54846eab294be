import { sha256 } from '@noble/hashes/sha2.js';
import { extract, expand } from '@noble/hashes/hkdf.js';

/** The keys of one BIP324 session, for both directions. */
export interface V2Keys {
  /** 32-byte session id: both ends compare it to rule out a man in the middle. */
  sessionId: Uint8Array;
  /** Length-cipher key of the initiator's packets. */
  initiatorL: Uint8Array;
  /** Packet-cipher key of the initiator's packets. */
  initiatorP: Uint8Array;
  /** Length-cipher key of the responder's packets. */
  responderL: Uint8Array;
  /** Packet-cipher key of the responder's packets. */
  responderP: Uint8Array;
  /** 16 bytes that end the initiator's garbage. */
  initiatorGarbageTerminator: Uint8Array;
  /** 16 bytes that end the responder's garbage. */
  responderGarbageTerminator: Uint8Array;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * HKDF-SHA256 of the ECDH secret with salt `bitcoin_v2_shared_secret` ‖
 * network magic (so peers on different networks fail at once).
 * @param secret - the v2_ecdh shared secret
 * @param magic - the network's 4 magic bytes, wire order
 */
export function deriveV2Keys(secret: Uint8Array, magic: Uint8Array): V2Keys {
  const salt = new Uint8Array([...text('bitcoin_v2_shared_secret'), ...magic]);
  const prk = extract(sha256, secret, salt);
  const key = (info: string): Uint8Array => expand(sha256, prk, text(info), 32);
  const terminators = key('garbage_terminators');
  return {
    sessionId: key('session_id'),
    initiatorL: key('initiator_L'),
    initiatorP: key('initiator_P'),
    responderL: key('responder_L'),
    responderP: key('responder_P'),
    initiatorGarbageTerminator: terminators.slice(0, 16),
    responderGarbageTerminator: terminators.slice(16, 32),
  };
}
