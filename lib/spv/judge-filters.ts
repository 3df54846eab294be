import { bytesEqual, hashToHex } from '../wire/hex.js';
import { merkleRoot } from '../wire/merkle.js';
import { txid } from '../wire/transaction.js';
import { filterHash } from './basic-filter.js';
import { CompactFilterError, CompactFilterErrorCode, type FilterClient } from './filter-client.js';
import { GcsFilter } from './gcs-filter.js';
import type { ReorgGuard } from './reorg-guard.js';

const OP_RETURN = 0x6a;

/** Disconnect a peer for what it served (a pool bans it). */
export function ban(client: FilterClient, error: CompactFilterError): void {
  client.peer.disconnect(error.message, error);
}

/** A block whose filter is disputed: its hash, height and the merkle root its (verified) header commits to. */
export interface DisputedBlock {
  /** Block hash, wire order. */
  hash: Uint8Array;
  /** Height. */
  height: number;
  /** Merkle root from its header. */
  merkleRoot: Uint8Array;
  /** Its previous block's hash, wire order. */
  prevBlock: Uint8Array;
}

/**
 * BIP157's client rule for one disputed block: fetch the block from the
 * peers in turn (one whose block does not match the merkle root is
 * disconnected), then each peer's filter for it; a filter that is not the
 * one the peer's headers claim, or leaves out a script the block's outputs
 * create, is a lie and its peer is disconnected (with a `guard`, only while
 * the chain did not reorganise: else a `reorganised` error, nobody blamed).
 * Returns the peers left.
 */
export async function judgeFilters(
  sides: readonly { client: FilterClient; claimed: Uint8Array }[],
  at: DisputedBlock,
  guard?: ReorgGuard,
): Promise<FilterClient[]> {
  let block;
  for (const { client } of sides) {
    const candidate = await client.block(at).catch(() => undefined);
    if (candidate && bytesEqual(merkleRoot(candidate.transactions.map(txid)), at.merkleRoot)) {
      block = candidate;
      break;
    }
    ban(
      client,
      new CompactFilterError(CompactFilterErrorCode.BadBlock, `block ${hashToHex(at.hash)} does not match its header`, client.address),
    );
  }
  if (!block) return [];
  const outputs = block.transactions.flatMap((tx) => tx.outputs.map((o) => o.script)).filter((s) => s.length > 0 && s[0] !== OP_RETURN);
  const honest: FilterClient[] = [];
  for (const { client, claimed } of sides.filter((x) => x.client.peer.connected)) {
    const [bytes] = await client.filters([at]);
    let lie: string | undefined;
    if (!bytes || !bytesEqual(filterHash(bytes), claimed)) lie = `its filter at ${at.height} is not the one its headers commit to`;
    else {
      const gcs = GcsFilter.decode(bytes, at.hash);
      if (gcs.matching(outputs).length < outputs.length)
        lie = `its filter at ${at.height} leaves out scripts block ${hashToHex(at.hash)} creates`;
    }
    if (!lie) honest.push(client);
    else if (!guard) ban(client, new CompactFilterError(CompactFilterErrorCode.LyingFilter, lie, client.address));
    else {
      // The claim may belong to a branch the chain left meanwhile: blamed only while it stayed put.
      const e = guard.blame(client, new CompactFilterError(CompactFilterErrorCode.LyingFilter, lie, client.address));
      if (e.code === CompactFilterErrorCode.Reorganised) throw e;
    }
  }
  return honest;
}
