import type { ByteReader } from '../reader.js';
import { checkLimit, type ByteWriter } from '../writer.js';

/** Most locator hashes accepted (btcd's MaxBlockLocatorsPerMsg; Bitcoin Core sends at most 101). */
export const MAX_LOCATOR_HASHES = 500;

/** `getblocks` and `getheaders` share one payload: a block locator and a stop hash. */
export interface LocatorMessage<C extends 'getblocks' | 'getheaders'> {
  /** Command name. */
  command: C;
  /** Protocol version of the sender. */
  version: number;
  /** Block hashes, newest first, thinning out exponentially (wire order). */
  locator: Uint8Array[];
  /** Stop at this hash; 32 zero bytes for "as many as allowed". */
  stopHash: Uint8Array;
}

/** `getblocks`: asks for an `inv` of the blocks after the locator. */
export type GetBlocksMessage = LocatorMessage<'getblocks'>;
/** `getheaders`: asks for the headers after the locator. */
export type GetHeadersMessage = LocatorMessage<'getheaders'>;

/** A decoded locator message; built by a constructor, not a literal (see transaction.ts on V8's pretenuring). */
class Locator<C extends 'getblocks' | 'getheaders'> implements LocatorMessage<C> {
  command: C;
  version: number;
  locator: Uint8Array[];
  stopHash: Uint8Array;
  constructor(command: C, version: number, locator: Uint8Array[], stopHash: Uint8Array) {
    this.command = command;
    this.version = version;
    this.locator = locator;
    this.stopHash = stopHash;
  }
}

/** Build the decoder for `getblocks` or `getheaders`. */
export function locatorDecoder<C extends 'getblocks' | 'getheaders'>(command: C): (r: ByteReader) => LocatorMessage<C> {
  return (r) => {
    const version = r.u32le();
    const n = r.count(MAX_LOCATOR_HASHES, 32, 'locator hash');
    const locator = new Array<Uint8Array>(n);
    for (let i = 0; i < n; i++) locator[i] = r.hash();
    return new Locator(command, version, locator, r.hash());
  };
}

/** Encode a locator payload. */
export function encodeLocator(w: ByteWriter, m: LocatorMessage<'getblocks' | 'getheaders'>): void {
  checkLimit(m.locator.length, MAX_LOCATOR_HASHES, m.command);
  w.u32le(m.version).varint(m.locator.length);
  for (const h of m.locator) w.hash(h);
  w.hash(m.stopHash);
}
