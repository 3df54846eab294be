import { sha256, txid, type Transaction } from '../../lib/index.js';
import { walletScripts } from '../recovery/wallet-chain.js';
import type { LiveChain } from './live-chain.js';
import type { TxRelay } from './tx-relay.js';

/** What the soak does, block by block. */
export interface SoakPlan {
  /** Blocks the chain grows by. */
  blocks: number;
  /** Time between blocks, ms. */
  blockMs: number;
  /** A payment is relayed, then mined in the next block, every this many blocks. */
  payEvery: number;
  /** A reorganisation of depth 1, 2, 3, 1, … replaces the last blocks every this many blocks. */
  reorgEvery: number;
}

/** Where a payment ended up. */
export interface SoakPayment {
  txid: string;
  height: number;
  blockHash: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const hex = (b: Uint8Array): string => Buffer.from(b).reverse().toString('hex');

/** Payment `n`: a made-up outpoint spent to one of the 100 wallet scripts. */
function payment(n: number): Transaction {
  const scripts = walletScripts();
  return {
    version: 2,
    inputs: [
      {
        txid: sha256(new TextEncoder().encode(`soak payment ${n}`)),
        vout: 0,
        script: new Uint8Array(107),
        sequence: 0xfffffffd,
        witness: [],
      },
    ],
    outputs: [{ value: BigInt(100_000 + n), script: scripts[n % scripts.length]! }],
    lockTime: 0,
  };
}

/**
 * Grow the chain by `plan.blocks`: payments relayed before they are mined,
 * reorganisations of depth 1–3 carrying the transactions of the blocks they
 * replace. `onBlock` is told the height after each step.
 * @returns the payments and the blocks that hold them at the end
 */
export async function runSoakPlan(
  live: LiveChain,
  relay: TxRelay,
  plan: SoakPlan,
  onBlock: (height: number) => void,
): Promise<SoakPayment[]> {
  const start = live.chain.height;
  const paid: Transaction[] = [];
  let reorgs = 0;
  for (let step = 1; live.chain.height < start + plan.blocks; step++) {
    await sleep(plan.blockMs);
    const mempool: Transaction[] = [];
    if (step % plan.payEvery === 0) {
      const tx = payment(paid.length);
      paid.push(tx);
      relay.relay(tx);
      mempool.push(tx);
      await sleep(plan.blockMs); // the client sees it in the mempool first
    }
    if (step % plan.reorgEvery === 0 && live.chain.height - start > 3) await live.reorg(1 + (reorgs++ % 3), mempool);
    else await live.mine(mempool);
    onBlock(live.chain.height);
  }
  return paid.map((tx) => {
    const id = hex(txid(tx));
    for (let h = live.chain.height; h > start; h--) {
      const entry = live.chain.header(h)!;
      if (live.block(entry.hashHex)!.block.transactions.some((t) => hex(txid(t)) === id))
        return { txid: id, height: h, blockHash: entry.hashHex };
    }
    throw new Error(`payment ${id} is in no block of the best chain`);
  });
}
