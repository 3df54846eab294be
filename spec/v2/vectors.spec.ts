import { secp256k1 } from '@noble/curves/secp256k1.js';
import {
  PacketCipher,
  deriveV2Keys,
  ellswiftDecode,
  ellswiftEcdhXonly,
  fromHex,
  magicBytes,
  networks,
  toHex,
  v2Ecdh,
  xswiftec,
  xswiftecInv,
} from '../../lib/index.js';
import { readData } from '../helpers/data.js';

/** Every row of BIP324's three CSV vector files (testdata/bips). */
function csv(name: string): Record<string, string>[] {
  const [head, ...rows] = new TextDecoder()
    .decode(readData(`bips/${name}`))
    .trim()
    .split(/\r?\n/);
  const keys = head!.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [keys[i]!, v])));
}
const big = (hex: string): bigint => BigInt(`0x${hex}`);
const hex32 = (n: bigint): string => n.toString(16).padStart(64, '0');

describe('BIP324 ellswift_decode_test_vectors.csv', () => {
  const rows = csv('ellswift_decode_test_vectors.csv');
  it('has its 76 rows', () => expect(rows).toHaveLength(76));
  it.each(rows.map((r, i) => [i, r] as const))('row %i decodes to its x', (_i, r) => {
    expect(toHex(ellswiftDecode(fromHex(r.ellswift!)))).toBe(r.x);
  });
});

describe('BIP324 xswiftec_inv_test_vectors.csv', () => {
  const rows = csv('xswiftec_inv_test_vectors.csv');
  it('has its 32 rows', () => expect(rows).toHaveLength(32));
  it.each(rows.map((r, i) => [i, r] as const))('row %i: every case gives its t (or none), and each t maps back to x', (_i, r) => {
    const u = big(r.u!);
    const x = big(r.x!);
    for (let c = 0; c < 8; c++) {
      const expected = r[`case${c}_t`];
      const t = xswiftecInv(x, u, c);
      expect(t === undefined ? '' : hex32(t)).toBe(expected);
      if (t !== undefined) expect(hex32(xswiftec(u, t))).toBe(r.x);
    }
  });
});

describe('BIP324 packet_encoding_test_vectors.csv', () => {
  const rows = csv('packet_encoding_test_vectors.csv');
  const magic = magicBytes(networks.mainnet);
  it('has its 7 rows', () => expect(rows).toHaveLength(7));
  it.each(rows.map((r) => [r.in_idx, r] as const))('packet %s: keys, session id and ciphertext from the private key', (_idx, r) => {
    const priv = fromHex(r.in_priv_ours!);
    const ours = fromHex(r.in_ellswift_ours!);
    const theirs = fromHex(r.in_ellswift_theirs!);
    const initiating = r.in_initiating === '1';
    expect(toHex(secp256k1.getPublicKey(priv, true).subarray(1))).toBe(r.mid_x_ours);
    expect(toHex(ellswiftDecode(ours))).toBe(r.mid_x_ours);
    expect(toHex(ellswiftDecode(theirs))).toBe(r.mid_x_theirs);
    expect(toHex(ellswiftEcdhXonly(theirs, priv))).toBe(r.mid_x_shared);
    const secret = v2Ecdh(priv, theirs, ours, initiating);
    expect(toHex(secret)).toBe(r.mid_shared_secret);
    const k = deriveV2Keys(secret, magic);
    expect([k.initiatorL, k.initiatorP, k.responderL, k.responderP].map(toHex)).toEqual([
      r.mid_initiator_l,
      r.mid_initiator_p,
      r.mid_responder_l,
      r.mid_responder_p,
    ]);
    const [send, recv] = initiating
      ? [k.initiatorGarbageTerminator, k.responderGarbageTerminator]
      : [k.responderGarbageTerminator, k.initiatorGarbageTerminator];
    expect(toHex(send)).toBe(r.mid_send_garbage_terminator);
    expect(toHex(recv)).toBe(r.mid_recv_garbage_terminator);
    expect(toHex(k.sessionId)).toBe(r.out_session_id);

    const [l, p] = initiating ? [k.initiatorL, k.initiatorP] : [k.responderL, k.responderP];
    const sender = new PacketCipher(l, p);
    const receiver = new PacketCipher(l, p);
    const empty = new Uint8Array(0);
    for (let i = 0; i < Number(r.in_idx); i++) {
      const packet = sender.encrypt(empty);
      expect(receiver.decryptLength(packet.subarray(0, 3))).toBe(0);
      expect(receiver.decrypt(packet.subarray(3))?.contents).toHaveLength(0);
    }
    const piece = fromHex(r.in_contents!);
    const contents = new Uint8Array(piece.length * Number(r.in_multiply));
    for (let at = 0; at < contents.length; at += piece.length) contents.set(piece, at);
    const aad = fromHex(r.in_aad!);
    const ignore = r.in_ignore === '1';
    const packet = sender.encrypt(contents, aad, ignore);
    if (r.out_ciphertext) expect(toHex(packet)).toBe(r.out_ciphertext);
    else expect(toHex(packet).endsWith(r.out_ciphertext_endswith!)).toBe(true);
    // And back: the other end's cipher opens it.
    expect(receiver.decryptLength(packet.subarray(0, 3))).toBe(contents.length);
    const opened = receiver.decrypt(packet.subarray(3), aad);
    expect(opened?.ignore).toBe(ignore);
    expect(opened && toHex(opened.contents)).toBe(toHex(contents));
  });
});
