import { ChainError } from '../chain/errors.js';
import { PeerError, PeerErrorCode } from '../peer/errors.js';
import { ProtocolError, ProtocolErrorCode } from '../wire/errors.js';
import type { Network } from '../wire/networks.js';

/** Turn a failure into one line a person can act on. */
export function explainError(e: unknown, network: Network): string {
  if (e instanceof ProtocolError && e.code === ProtocolErrorCode.BadMagic)
    return `${e.message}: the remote is not on ${network.name}; check --network`;
  if (e instanceof PeerError) {
    switch (e.code) {
      case PeerErrorCode.NegotiateTimeout:
        return `no handshake within 30 s: is it a Bitcoin node on ${network.name}?`;
      case PeerErrorCode.Disconnected:
        return `handshake refused: the remote closed the connection (${e.message}); a node on another network drops us without a word, so check --network`;
      default:
        return `handshake refused (${e.code}): ${e.message}`;
    }
  }
  if (e instanceof ChainError) return `invalid headers (${e.code} at height ${e.height}): ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}
