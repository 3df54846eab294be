import { AddressBook, parseEndpoint } from '../../lib/index.js';

/**
 * An address book holding `list` (`HOST:PORT`) as addresses the pool picks
 * by itself (learned, not named in `connect`): picked peers are one per
 * netgroup and banned by host.
 */
export function bookOf(list: readonly string[]): AddressBook {
  const book = new AddressBook();
  book.add(
    list.map((a) => ({ ...parseEndpoint(a, 18444), services: 1n, timestamp: 1_700_000_000 })),
    'self',
  );
  return book;
}
