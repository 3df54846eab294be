import { ChainError, ChainErrorCode } from '../chain/errors.js';
import { PeerError, PeerErrorCode } from '../peer/errors.js';
import { CompactFilterError, CompactFilterErrorCode } from '../spv/filter-client.js';
import { MerkleProofError, MerkleProofErrorCode } from '../spv/merkle-proof.js';
import { ProtocolError, ProtocolErrorCode } from '../wire/errors.js';
import { PoolError, PoolErrorCode } from './errors.js';

/** Chain errors that prove the peer sent invalid headers (not: our clock, a missed announcement, a weak chain). */
const BAD_HEADERS = new Set<string>([
  ChainErrorCode.BadPow,
  ChainErrorCode.BadBits,
  ChainErrorCode.TimeTooOld,
  ChainErrorCode.TimeWarp,
  ChainErrorCode.BadVersion,
  ChainErrorCode.CheckpointMismatch,
]);

/** Filter errors that prove the peer lied (not: it was slow, or nobody was left). */
const BAD_FILTERS = new Set<string>([
  CompactFilterErrorCode.BadHeaders,
  CompactFilterErrorCode.BadCheckpoint,
  CompactFilterErrorCode.BadFilter,
  CompactFilterErrorCode.LyingFilter,
  CompactFilterErrorCode.BadBlock,
]);

/** Peer errors that are rule breaks by the remote. */
const BAD_PEER = new Set<string>([PeerErrorCode.ProtocolViolation, PeerErrorCode.InvalidHandshake, PeerErrorCode.VersionExpected]);

/**
 * Whether the error a peer was disconnected with is misbehaviour, and which:
 * invalid headers, a lying or malformed filter, a bad merkle proof or an
 * unannounced transaction in one, malformed bytes (bad magic, checksum,
 * oversized or malformed payloads), a protocol rule break, or a flood. Timeouts,
 * stalls, transport failures, a connection cut mid-message and BIP324
 * decryption failures are not (the network, not the peer, may be at fault):
 * those peers are only disconnected and redialled after a backoff.
 * @param error - the disconnection's error
 * @returns a short reason, or undefined when it is not misbehaviour
 */
export function misbehaviour(error: Error | undefined): string | undefined {
  if (error instanceof ChainError) return BAD_HEADERS.has(error.code) ? `invalid headers (${error.code})` : undefined;
  if (error instanceof CompactFilterError) return BAD_FILTERS.has(error.code) ? `bad compact filters (${error.code})` : undefined;
  if (error instanceof MerkleProofError)
    return error.code === MerkleProofErrorCode.UnknownBlock ? undefined : `bad merkle proof (${error.code})`;
  if (error instanceof ProtocolError) return error.code === ProtocolErrorCode.Truncated ? undefined : `malformed message (${error.code})`;
  if (error instanceof PoolError) return error.code === PoolErrorCode.Flood ? 'flood' : undefined;
  if (error instanceof PeerError) return BAD_PEER.has(error.code) ? `protocol violation (${error.code})` : undefined;
  return undefined;
}
