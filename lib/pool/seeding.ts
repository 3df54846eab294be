import type { AddressBook } from './address-book.js';
import { querySeeds, type Resolver } from './dns-seeds.js';
import type { SeedsQueried } from './pool-events.js';
import { SEED_INTERVAL } from './pool-options.js';
import { seedQueryName } from './seed-filters.js';

/** What {@link Seeding} needs from its pool. */
export interface SeedingDeps {
  /** Whether the pool asks DNS seeds at all. */
  use: boolean;
  /** The network's DNS seeds. */
  seeds: readonly string[];
  /** The network's default port, given to the addresses. */
  port: number;
  resolver: Resolver;
  /** Ask when the book holds fewer addresses than this. */
  below: number;
  /** The address book now (replaced once its file is loaded). */
  book: () => AddressBook;
  /** The time, ms. */
  now: () => number;
  /** Whether the pool was closed meanwhile: then answers are dropped. */
  closed: () => boolean;
  /** The seeds answered and the book has the addresses. */
  seeded: (event: SeedsQueried) => void;
}

/**
 * When and how a pool asks the DNS seeds: for any addresses while its book
 * is short (one query at a time, at most every {@link SEED_INTERVAL}), and
 * at the `x<hex>.` names of the seeds that answer them for peers with
 * services a want needs. Answers go into the book, credited to `dns`.
 */
export class Seeding {
  private readonly deps: SeedingDeps;
  private last = -Infinity;
  private asking = false;

  /** @param deps - what it asks and where answers go */
  constructor(deps: SeedingDeps) {
    this.deps = deps;
  }

  /** Ask the seeds if the book is short and none were asked within {@link SEED_INTERVAL}. */
  whenShort(): void {
    const { use, seeds, book, below, now } = this.deps;
    if (!use || this.asking || seeds.length === 0 || book().size >= below || now() - this.last < SEED_INTERVAL) return;
    this.asking = true;
    this.last = now();
    void this.ask(seeds).finally(() => (this.asking = false));
  }

  /** Ask the seeds' `x<hex>.` names (those that may answer them) for addresses with `bits`, credited with them. */
  async forServices(bits: bigint): Promise<void> {
    const names = this.deps.seeds.flatMap((s) => seedQueryName(s, bits) ?? []);
    if (this.deps.use && names.length > 0) await this.ask(names, bits);
  }

  /** Ask `names`; the addresses are credited with `services` when given. */
  private async ask(names: readonly string[], services?: bigint): Promise<void> {
    const { port, resolver, now, book, closed, seeded } = this.deps;
    const { addresses, failed } = await querySeeds(names, port, resolver, Math.floor(now() / 1000), services ?? 0n);
    if (closed()) return;
    book().add(addresses, 'dns');
    seeded({
      type: 'seeded',
      addresses: addresses.length,
      failed: failed.map((f) => f.seed),
      ...(services === undefined ? {} : { services }),
    });
  }
}
