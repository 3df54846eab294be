import { filter, type MonoTypeOperatorFunction } from 'rxjs';
import type { InvVector } from '../wire/messages/inv.js';
import type { KnownInventory } from './known-inventory.js';

/**
 * Drop inventory the peer already has (it announced it, or we sent it) and
 * remember what passes, so nothing is announced twice.
 */
export function filterKnownInventory(known: KnownInventory): MonoTypeOperatorFunction<InvVector> {
  return filter((item) => {
    if (known.has(item)) return false;
    known.add(item);
    return true;
  });
}
