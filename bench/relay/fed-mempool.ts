import { Subject } from 'rxjs';
import {
  ByteReader,
  InvType,
  MempoolView,
  hashToHex,
  readBlock,
  txid,
  type Message,
  type MempoolOptions,
  type Peer,
  type Transaction,
} from '../../lib/index.js';
import { readTestdata } from '../testdata.js';

/** The 1.2 MB segwit-era block: its transactions, made distinct by lock time, stand for a mainnet mempool. */
const BLOCK = 'block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk';

/** `n` distinct real-shaped transactions (the block's, lock time = their index). */
export function mempoolLike(n: number): Transaction[] {
  const block = readBlock(new ByteReader(readTestdata(BLOCK)));
  const out: Transaction[] = [];
  for (let i = 0; out.length < n; i++) out.push({ ...block.transactions[1 + (i % (block.transactions.length - 1))]!, lockTime: i });
  return out;
}

/**
 * A mempool view fed `txs` by a stand-in peer in this process (the view's
 * own request path: `inv`, `getdata`, `tx`), 100 announcements at a time.
 * Resolves once every transaction was offered.
 */
export async function fedMempool(txs: readonly Transaction[], options: MempoolOptions): Promise<MempoolView> {
  const subjects: Record<string, Subject<Message>> = {};
  const on = (command: string): Subject<Message> => (subjects[command] ??= new Subject<Message>());
  const byId = new Map<string, Transaction>();
  const peer = {
    handshake: Promise.resolve({ witness: true }),
    connected: true,
    closed: new Promise(() => undefined),
    on,
    queue: (m: Message) => {
      if (m.command !== 'getdata') return;
      queueMicrotask(() => {
        for (const i of m.items) on('tx').next({ command: 'tx', tx: byId.get(hashToHex(i.hash))! });
      });
    },
  } as unknown as Peer;
  const view = new MempoolView(peer, options);
  view.events$.subscribe();
  await new Promise((r) => setTimeout(r, 0));
  for (let i = 0; i < txs.length; i += 100) {
    const batch = txs.slice(i, i + 100);
    for (const tx of batch) byId.set(hashToHex(txid(tx)), tx);
    on('inv').next({ command: 'inv', items: batch.map((tx) => ({ type: InvType.Tx, hash: txid(tx) })) });
    await new Promise((r) => setTimeout(r, 0));
    byId.clear();
  }
  return view;
}
