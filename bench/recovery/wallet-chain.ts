/**
 * The recovery bench's synthetic wallet chain: 900,000 regtest blocks, each
 * a lone coinbase, paying OP_TRUE except at the heights where it pays one
 * of a wallet's 100 scripts: 20 times from the birthday on, once between
 * the checkpoint and the birthday. Everything is derived from the height,
 * so the server regenerates any block on demand; the headers, filter hashes
 * and filter headers (BIP158 basic filters) are computed once and cached.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { HDKey } from '@scure/bip32';
import {
  basicFilter,
  chainParams,
  encodeBlockHeader,
  encodeTransaction,
  filterHash,
  filterHeaderFromHash,
  genesisBlock,
  hashFromHex,
  networks,
  parseDescriptor,
  sha256,
  sha256dKey,
  txid,
  type Block,
  type Transaction,
} from '../../lib/index.js';

/** Blocks above genesis. */
export const CHAIN_LENGTH = 900_000;
/** The wallet's birthday: filters are needed from here. */
export const BIRTHDAY = 835_000;
/** The checkpoint the recovery starts from: the last block of a retarget period below the birthday (as rxbtc's built-in ones). */
export const CHECKPOINT_HEIGHT = 414 * 2016 - 1; // 834,623
/** The one payment before the birthday (after the checkpoint: its filter header is fetched, its filter must not be). */
export const EARLY_PAYMENT = 834_800;
/** The 20 payments from the birthday on. */
export const PAYMENT_HEIGHTS: readonly number[] = Array.from({ length: 20 }, (_, k) => BIRTHDAY + 17 + k * 3_203);
/** Scripts in the wallet. */
export const WALLET_SIZE = 100;

const T0 = 1_296_688_602;
const BITS = 0x207fffff;
const OP_TRUE = Uint8Array.of(0x51);
/** Bytes per cached height: header, filter hash, filter header. */
export const RECORD = 80 + 32 + 32;

/** The wallet: P2WPKH scripts with key hashes derived from their index. */
export function walletScripts(): Uint8Array[] {
  return Array.from({ length: WALLET_SIZE }, (_, i) => {
    const hash = sha256(new TextEncoder().encode(`rxbtc recovery bench key ${i}`)).subarray(0, 20);
    return Uint8Array.from([0x00, 0x14, ...hash]);
  });
}

/** The wallet kinds: 100 fixed scripts, or an HD wallet (a descriptor) whose addresses the recovery must discover. */
export type WalletKind = 'scripts' | 'descriptor';
/** The kind this process builds and serves (`RXBTC_BENCH_WALLET`, inherited by the server process). */
export const WALLET_KIND: WalletKind = process.env['RXBTC_BENCH_WALLET'] === 'descriptor' ? 'descriptor' : 'scripts';

/** The HD wallet: a BIP84 account of a fixed seed, as a `wpkh(tpub/<0;1>/*)` descriptor. */
export const WALLET_DESCRIPTOR = `wpkh(${
  HDKey.fromMasterSeed(sha256(new TextEncoder().encode('rxbtc recovery bench seed')), { private: 0x04358394, public: 0x043587cf }).derive(
    "m/84'/1'/0'",
  ).publicExtendedKey
}/<0;1>/*)`;
/**
 * Receive indices the 20 payments pay, in height order: with a gap limit of 20, 30 (second) and 45 (fifth) lie
 * beyond what is derived when they are scanned, so only checking the blocks before again finds them.
 */
export const DESCRIPTOR_INDICES: readonly number[] = [3, 30, 15, 8, 45, 33, 22, 50, 61, 40, 70, 55, 80, 66, 90, 75, 100, 88, 110, 95];

function paidScripts(): Map<number, Uint8Array> {
  if (WALLET_KIND === 'descriptor') {
    const d = parseDescriptor(WALLET_DESCRIPTOR, networks.regtest);
    return new Map<number, Uint8Array>([
      [EARLY_PAYMENT, d.scriptAt('receive', 0)],
      ...PAYMENT_HEIGHTS.map((h, k): [number, Uint8Array] => [h, d.scriptAt('receive', DESCRIPTOR_INDICES[k])]),
    ]);
  }
  const scripts = walletScripts();
  return new Map<number, Uint8Array>([
    [EARLY_PAYMENT, scripts[0]!],
    ...PAYMENT_HEIGHTS.map((h, k): [number, Uint8Array] => [h, scripts[(k * 7 + 3) % WALLET_SIZE]!]),
  ]);
}
const paid = paidScripts();

/** The coinbase of the block at `height`. */
export function coinbaseAt(height: number): Transaction {
  return {
    version: 1,
    inputs: [
      {
        txid: new Uint8Array(32),
        vout: 0xffffffff,
        script: Uint8Array.of(4, height & 0xff, (height >> 8) & 0xff, (height >> 16) & 0xff, height >>> 24),
        sequence: 0xffffffff,
        witness: [],
      },
    ],
    outputs: [{ value: 5_000_000_000n, script: paid.get(height) ?? OP_TRUE }],
    lockTime: 0,
  };
}

/** Bytes of the block at `height` on the wire: header, count, the coinbase. */
export const blockSize = (height: number): number => 80 + 1 + encodeTransaction(coinbaseAt(height)).length;

/**
 * Build the cache file (height 0 to {@link CHAIN_LENGTH}, {@link RECORD}
 * bytes each) unless it exists; written under a temporary name and renamed.
 * @returns the file's bytes
 */
export function walletChain(path: string): Buffer {
  const size = (CHAIN_LENGTH + 1) * RECORD;
  if (!existsSync(path) || statSync(path).size !== size) build(path);
  return readFileSync(path);
}

function build(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  const chunk = Buffer.alloc(RECORD * 10_000);
  let filled = 0;
  const put = (header: Uint8Array, fh: Uint8Array, header2: Uint8Array): void => {
    chunk.set(header, filled);
    chunk.set(fh, filled + 80);
    chunk.set(header2, filled + 112);
    filled += RECORD;
    if (filled === chunk.length) {
      writeSync(fd, chunk, 0, filled);
      filled = 0;
    }
  };
  const genesis = genesisBlock(chainParams(networks.regtest));
  const g = basicFilter(genesis, []).encoded;
  let prevFilterHeader = filterHeaderFromHash(filterHash(g), new Uint8Array(32));
  const genesisRaw = encodeBlockHeader(genesis.header);
  put(genesisRaw, filterHash(g), prevFilterHeader);
  const prev = hashFromHex(networks.regtest.genesisHash);
  const raw = new Uint8Array(80);
  const view = new DataView(raw.buffer);
  for (let h = 1; h <= CHAIN_LENGTH; h++) {
    const coinbase = coinbaseAt(h);
    view.setInt32(0, 0x20000000, true);
    raw.set(prev, 4);
    raw.set(txid(coinbase), 36);
    view.setUint32(68, T0 + h * 60, true);
    view.setUint32(72, BITS, true);
    let key: string;
    for (let nonce = 0; ; nonce++) {
      view.setUint32(76, nonce, true);
      key = sha256dKey(raw);
      if (key.charCodeAt(31) < 0x7f) break;
    }
    for (let b = 0; b < 32; b++) prev[b] = key.charCodeAt(b);
    const block: Block = {
      header: {
        version: 0x20000000,
        prevBlock: raw.slice(4, 36),
        merkleRoot: raw.slice(36, 68),
        timestamp: T0 + h * 60,
        bits: BITS,
        nonce: view.getUint32(76, true),
      },
      transactions: [coinbase],
    };
    const fh = filterHash(basicFilter(block, []).encoded);
    prevFilterHeader = filterHeaderFromHash(fh, prevFilterHeader);
    put(raw, fh, prevFilterHeader);
  }
  if (filled > 0) writeSync(fd, chunk, 0, filled);
  closeSync(fd);
  renameSync(tmp, path);
}
