import { lookup } from 'node:dns/promises';
import type { KnownAddress } from './address-book.js';

/** Resolves a DNS seed's name to IP addresses. */
export type Resolver = (host: string) => Promise<string[]>;

/** The system resolver (`node:dns` lookup, IPv4 and IPv6). */
export const systemResolver: Resolver = async (host) => (await lookup(host, { all: true })).map((a) => a.address);

/** A seed that did not answer. */
export interface SeedFailure {
  /** Its name. */
  seed: string;
  /** The resolver's error. */
  error: unknown;
}

/** What the DNS seeds said. */
export interface SeedAnswers {
  /** Every address given, with the network's port. */
  addresses: KnownAddress[];
  /** Seeds that failed. */
  failed: SeedFailure[];
}

/**
 * Ask each DNS seed for addresses, in parallel; a seed that fails is
 * skipped (reported in `failed`).
 * @param seeds - seed host names (a network's `dnsSeeds`)
 * @param port - the network's default port
 * @param resolver - how to resolve names
 * @param nowSeconds - timestamp given to the addresses
 * @param services - services the addresses are credited with (those an `x<hex>.` name asked for) @default 0n
 */
export async function querySeeds(
  seeds: readonly string[],
  port: number,
  resolver: Resolver,
  nowSeconds: number,
  services = 0n,
): Promise<SeedAnswers> {
  const results = await Promise.allSettled(seeds.map((s) => resolver(s)));
  const addresses: KnownAddress[] = [];
  const failed: SeedFailure[] = [];
  results.forEach((r, i) => {
    if (r.status === 'rejected') failed.push({ seed: seeds[i]!, error: r.reason });
    else for (const host of r.value) addresses.push({ host, port, services, timestamp: nowSeconds });
  });
  return { addresses, failed };
}
