import { bytesEqual } from '../wire/hex.js';

/** The commands that carry a block locator. */
export type LocatorCommand = 'getblocks' | 'getheaders';

/**
 * The last `getblocks` and `getheaders` sent to a peer (btcd's
 * prevGetBlocksBegin/Stop and prevGetHdrsBegin/Stop): the same request
 * twice in a row — same first locator hash, same stop — is not sent again.
 */
export class LocatorRequests {
  private readonly last = new Map<LocatorCommand, { begin: Uint8Array; stop: Uint8Array }>();

  /**
   * Whether a request of `command` from `locator` to `stopHash` differs from
   * the last one of that command; if so it becomes the last. An empty
   * locator is always sent and clears the record.
   */
  fresh(command: LocatorCommand, locator: readonly Uint8Array[], stopHash: Uint8Array): boolean {
    const begin = locator[0];
    const prev = this.last.get(command);
    if (begin && prev && bytesEqual(prev.begin, begin) && bytesEqual(prev.stop, stopHash)) return false;
    if (begin) this.last.set(command, { begin, stop: stopHash });
    else this.last.delete(command);
    return true;
  }
}
