import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { hashFromHex, networks, sha256dKey } from '../../lib/index.js';

/** The first synthetic header's time: regtest's genesis time. */
const T0 = 1_296_688_602;
/** Seconds between synthetic headers: 900,000 of them end in 2012, far from the 2-hour future limit. */
const SPACING = 60;
/** Regtest's fixed target. */
const BITS = 0x207fffff;

/**
 * Mine `count` regtest headers on genesis into `path` (80 bytes each, height
 * 1 first), unless the file already holds them. Regtest's target accepts
 * about one hash in two, so 900,000 headers take a few seconds; the file is
 * written to a temporary name and renamed, so a cut-short run leaves none.
 * @returns the path
 */
export function syntheticHeaders(path: string, count: number): string {
  if (existsSync(path) && statSync(path).size === count * 80) return path;
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  const chunk = Buffer.alloc(80 * 10_000);
  const raw = new Uint8Array(80);
  const view = new DataView(raw.buffer);
  const prev = hashFromHex(networks.regtest.genesisHash);
  let filled = 0;
  for (let i = 0; i < count; i++) {
    view.setInt32(0, 0x20000000, true);
    raw.set(prev, 4);
    view.setUint32(36, i, true); // a distinct merkle root per height
    view.setUint32(68, T0 + (i + 1) * SPACING, true);
    view.setUint32(72, BITS, true);
    for (let nonce = 0; ; nonce++) {
      view.setUint32(76, nonce, true);
      const key = sha256dKey(raw);
      if (key.charCodeAt(31) < 0x7f) {
        for (let b = 0; b < 32; b++) prev[b] = key.charCodeAt(b);
        break;
      }
    }
    chunk.set(raw, filled);
    filled += 80;
    if (filled === chunk.length || i === count - 1) {
      writeSync(fd, chunk, 0, filled);
      filled = 0;
    }
  }
  closeSync(fd);
  renameSync(tmp, path);
  return path;
}
