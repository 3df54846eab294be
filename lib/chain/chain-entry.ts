import type { BlockHeader } from '../wire/block-header.js';

/** A header in a {@link HeaderChain}, with its place and the work of the chain up to it. */
export interface ChainEntry {
  /** Height. */
  readonly height: number;
  /** Block hash, wire order. */
  readonly hash: Uint8Array;
  /** Block hash, display (reversed) hex. */
  readonly hashHex: string;
  /** The header. */
  readonly header: BlockHeader;
  /** The raw 80 bytes. */
  readonly raw: Uint8Array;
  /** Total work of the chain from its root to this header. */
  readonly chainWork: bigint;
}
