import type { InvVector } from '../wire/messages/inv.js';
import { MAX_KNOWN_INVENTORY } from './constants.js';
import { MruSet } from './mru-set.js';

/** Key of an inventory vector: its type and hash as a latin1 string (cheaper than hex). */
export function inventoryKey(item: InvVector): string {
  return item.type.toString(36) + ':' + String.fromCharCode(...item.hash);
}

/** The inventory a peer is known to have: announced by it or sent to it. An MRU set of 1000 by default. */
export class KnownInventory {
  private readonly set: MruSet<string>;

  /** @param capacity - most items remembered */
  constructor(capacity = MAX_KNOWN_INVENTORY) {
    this.set = new MruSet(capacity);
  }

  /** Number of items remembered. */
  get size(): number {
    return this.set.size;
  }

  /** Whether the peer is known to have the item. */
  has(item: InvVector): boolean {
    return this.set.has(inventoryKey(item));
  }

  /** Remember the item. */
  add(item: InvVector): void {
    this.set.add(inventoryKey(item));
  }
}
