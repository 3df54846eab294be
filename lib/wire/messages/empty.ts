/** Commands whose payload is empty. */
export type EmptyCommand = 'verack' | 'getaddr' | 'mempool' | 'sendheaders' | 'filterclear' | 'wtxidrelay' | 'sendaddrv2';

/** A message with no payload, identified by its command alone. */
export interface EmptyMessage<C extends EmptyCommand> {
  /** Command name. */
  command: C;
}

/** `verack`: acknowledges the remote's `version`. */
export type VerackMessage = EmptyMessage<'verack'>;
/** `getaddr`: asks for known peer addresses. */
export type GetAddrMessage = EmptyMessage<'getaddr'>;
/** `mempool` (BIP35): asks for the txids in the remote's mempool. */
export type MempoolMessage = EmptyMessage<'mempool'>;
/** `sendheaders` (BIP130): announce new blocks with `headers` instead of `inv`. */
export type SendHeadersMessage = EmptyMessage<'sendheaders'>;
/** `filterclear` (BIP37): remove the bloom filter. */
export type FilterClearMessage = EmptyMessage<'filterclear'>;
/** `wtxidrelay` (BIP339): announce transactions by wtxid; sent before `verack`. */
export type WtxidRelayMessage = EmptyMessage<'wtxidrelay'>;
/** `sendaddrv2` (BIP155): prefer `addrv2`; sent before `verack`. */
export type SendAddrV2Message = EmptyMessage<'sendaddrv2'>;

/** A decoded empty message; built by a constructor, not a literal (see `transaction.ts` on V8's pretenuring). */
class Empty<C extends EmptyCommand> implements EmptyMessage<C> {
  command: C;
  constructor(command: C) {
    this.command = command;
  }
}

/** The decoder of an empty message: the payload is already known to be empty. */
export function emptyDecoder<C extends EmptyCommand>(command: C): () => EmptyMessage<C> {
  return () => new Empty(command);
}
