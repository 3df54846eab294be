import type { Subscription } from 'rxjs';
import type { HeaderChain } from '../chain/header-chain.js';
import { CompactFilterError, CompactFilterErrorCode, type FilterClient } from './filter-client.js';

/**
 * Watches a header chain while peers' filter headers are compared: answers
 * given before and after a reorganisation may belong to different branches
 * (a server answers a range by height along its best chain), so a peer is
 * blamed only while the chain stayed where it was.
 */
export class ReorgGuard {
  private moved = false;
  private readonly subscription: Subscription;

  /** @param chain - the chain the peers' answers are checked against */
  constructor(chain: HeaderChain) {
    this.subscription = chain.reorg$.subscribe(() => (this.moved = true));
  }

  /** Whether no reorganisation happened since the guard was made. */
  get stable(): boolean {
    return !this.moved;
  }

  /**
   * The error to throw for what `client` served: while the chain is stable
   * the peer is disconnected with `error` (a pool bans it) and `error` is
   * returned; after a reorganisation nobody is blamed and a `reorganised`
   * error is returned instead.
   */
  blame(client: FilterClient, error: CompactFilterError): CompactFilterError {
    if (!this.moved) {
      client.peer.disconnect(error.message, error);
      return error;
    }
    return new CompactFilterError(CompactFilterErrorCode.Reorganised, `the chain reorganised while this was checked (${error.message})`);
  }

  /** Stop watching. */
  close(): void {
    this.subscription.unsubscribe();
  }
}
