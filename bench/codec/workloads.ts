import { ByteReader, encodeMessage, networks, readBlock, readBlockFile, txid, type Block, type BlockHeader } from '../../lib/index.js';
import { readTestdata } from '../testdata.js';

/** The network every codec workload is framed for. */
export const NETWORK = networks.mainnet;
/** Socket-sized chunks the streams are cut into. */
export const CHUNK = 64 * 1024;

/** The four streams of the codec bench; the same bytes go to every implementation. */
export const WORKLOADS = ['block', 'tx', 'inv', 'headers'] as const;
/** One of {@link WORKLOADS}, or `mixed`: all four interleaved as on a live connection. */
export type Workload = (typeof WORKLOADS)[number] | 'mixed';

/** A workload's framed messages, their concatenation and its 64 KiB chunks. */
export interface Stream {
  /** What it is, for the table. */
  label: string;
  /** Each complete frame. */
  frames: Buffer[];
  /** The frames cut into {@link CHUNK}-byte pieces, as a socket delivers them. */
  chunks: Buffer[];
  /** Total bytes. */
  bytes: number;
}

const BLOCK_FILE = 'block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk';
const frame = (m: Parameters<typeof encodeMessage>[1]): Buffer => Buffer.from(encodeMessage(NETWORK, m));

function realBlock(): Block {
  return readBlock(new ByteReader(readTestdata(BLOCK_FILE)));
}

function framesOf(workload: Workload): { label: string; frames: Buffer[] } {
  switch (workload) {
    case 'block': {
      // Framed from the raw bytes, not re-encoded by rxbtc, so every side reads the file's own bytes.
      const raw = readTestdata(BLOCK_FILE);
      const header = Buffer.from(encodeMessage(NETWORK, { command: 'block', block: realBlock() }).subarray(0, 24));
      return { label: 'block 1.2 MB ×20', frames: Array.from({ length: 20 }, () => Buffer.concat([header, raw])) };
    }
    case 'tx': {
      // Every transaction of the real block, six times over (~20,000 messages), so a round lasts long enough to time.
      const once = realBlock().transactions.map((tx) => frame({ command: 'tx', tx }));
      return { label: `tx ×${once.length * 6} (block 574200's ${once.length} ×6)`, frames: Array.from({ length: 6 }, () => once).flat() };
    }
    case 'inv': {
      const ids = realBlock().transactions.map(txid);
      const frames: Buffer[] = [];
      for (let i = 0; frames.length < 20_000; i += 35) {
        frames.push(
          frame({ command: 'inv', items: Array.from({ length: 35 }, (_, k) => ({ type: 1, hash: ids[(i + k) % ids.length]! })) }),
        );
      }
      return { label: 'inv(35) ×20000', frames };
    }
    case 'mixed': {
      // What a node's connection carries: per block, the transactions and inventories around it and now and then a
      // headers message; the four streams' own messages, interleaved.
      const parts = (['block', 'tx', 'inv', 'headers'] as const).map((w) => framesOf(w).frames);
      const [blocks, txs, invs, headers] = parts as [Buffer[], Buffer[], Buffer[], Buffer[]];
      const frames: Buffer[] = [];
      const per = (list: Buffer[]): number => Math.ceil(list.length / blocks.length);
      for (let b = 0; b < blocks.length; b++) {
        const slice = (list: Buffer[]): Buffer[] => list.slice(b * per(list), (b + 1) * per(list));
        const t = slice(txs);
        const i = slice(invs);
        for (let k = 0; k < Math.max(t.length, i.length); k++) {
          if (k < i.length) frames.push(i[k]!);
          if (k < t.length) frames.push(t[k]!);
          if (k === Math.floor(t.length / 2)) frames.push(...slice(headers));
        }
        frames.push(blocks[b]!);
      }
      return { label: `mixed: ${frames.length} messages (the four streams interleaved)`, frames };
    }
    case 'headers': {
      const early: BlockHeader[] = readBlockFile(readTestdata('blocks1-256')).map((r) => readBlock(new ByteReader(r.block)).header);
      const headers = Array.from({ length: 2000 }, (_, i) => early[i % early.length]!);
      const one = frame({ command: 'headers', headers });
      return { label: 'headers(2000) ×50', frames: Array.from({ length: 50 }, () => one) };
    }
  }
}

/** Build a workload's stream. */
export function buildStream(workload: Workload): Stream {
  const { label, frames } = framesOf(workload);
  const all = Buffer.concat(frames);
  const chunks: Buffer[] = [];
  for (let i = 0; i < all.length; i += CHUNK) chunks.push(all.subarray(i, i + CHUNK));
  return { label, frames, chunks, bytes: all.length };
}
