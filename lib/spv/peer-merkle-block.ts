import type { HeaderChain } from '../chain/header-chain.js';
import type { Peer } from '../peer/peer-api.js';
import type { MerkleBlockMessage } from '../wire/messages/merkleblock.js';
import { MerkleProofError, verifyMerkleBlock, type VerifiedMerkleBlock } from './merkle-proof.js';

/**
 * A peer's `merkleblock` verified against the best chain, or the
 * {@link MerkleProofError} it broke, after which the peer is disconnected
 * with it (a proof that does not hold is a lie, whatever the caller does next).
 */
export function peerMerkleBlock(peer: Peer, m: MerkleBlockMessage, chain: HeaderChain): VerifiedMerkleBlock | MerkleProofError {
  try {
    return verifyMerkleBlock(m, (h) => chain.isBest(h));
  } catch (e) {
    const error = e instanceof MerkleProofError ? e : new MerkleProofError('bad-root', String(e));
    peer.disconnect(`invalid merkleblock: ${error.message}`, error);
    return error;
  }
}
