import { ServiceFlag, hasService } from '../wire/services.js';

/**
 * Services every address from a DNS seed is asked for and credited with:
 * NODE_NETWORK | NODE_WITNESS, Bitcoin Core's `SeedsServiceFlags()` (its
 * `ThreadDNSAddressSeed` in net.cpp asks `x9.<seed>` and records the answers
 * with these services).
 */
export const SEED_SERVICES: bigint = ServiceFlag.Network | ServiceFlag.Witness;

/**
 * The `x<hex>.` subdomains each DNS seed is documented to answer, by seed
 * name, as Bitcoin Core's `src/kernel/chainparams.cpp` notes them beside
 * `vSeeds` (e.g. Pieter Wuille's "only supports x1, x5, x9, and xd", Ava
 * Chow's "only supports x1, x5, x9, x49, x809, x849, xd, x400, x404, x408,
 * x448, xc08, xc48, x40c"). Only the achownodes.xyz seeds list `x49`
 * (NODE_NETWORK | NODE_WITNESS | NODE_COMPACT_FILTERS). A seed absent from
 * this table has no note in Core (sprovoost.nl, emzy.de, wiz.biz…): it may
 * answer, so it is asked (as Core asks every seed its `x9.` name).
 */
export const SEED_SUBDOMAINS: Readonly<Record<string, readonly bigint[]>> = {
  'seed.bitcoin.sipa.be': [0x1n, 0x5n, 0x9n, 0xdn],
  'dnsseed.bluematt.me': [0x9n],
  'seed.bitcoin.jonasschnelli.ch': [0x1n, 0x5n, 0x9n, 0xdn],
  'seed.btc.petertodd.net': [0x1n, 0x5n, 0x9n, 0xdn],
  'testnet-seed.bluematt.me': [0x9n],
  ...Object.fromEntries(
    ['seed.mainnet.achownodes.xyz', 'seed.testnet.achownodes.xyz', 'seed.signet.achownodes.xyz'].map((seed) => [
      seed,
      [0x1n, 0x5n, 0x9n, 0x49n, 0x809n, 0x849n, 0xdn, 0x400n, 0x404n, 0x408n, 0x448n, 0xc08n, 0xc48n, 0x40cn],
    ]),
  ),
};

/**
 * The service bits to ask DNS seeds for when peers with `wanted` are sought:
 * `wanted` plus NODE_WITNESS, plus NODE_NETWORK unless `wanted` has
 * NODE_NETWORK_LIMITED (a pruned node, BIP159, does not set NODE_NETWORK).
 * For NODE_COMPACT_FILTERS this is 0x49.
 * @param wanted - the services a job needs
 */
export function seedQueryServices(wanted: bigint): bigint {
  const base = hasService(wanted, ServiceFlag.NetworkLimited) ? ServiceFlag.Witness : SEED_SERVICES;
  return wanted | base;
}

/**
 * The name to resolve to get addresses with `services` from `seed`:
 * `x<lowercase hex>.<seed>` (the seeder convention, Core's
 * `strprintf("x%x.%s", …)`), or undefined when Core documents that this
 * seed does not answer that combination (see {@link SEED_SUBDOMAINS}).
 * @param seed - a DNS seed's name (a trailing dot is ignored)
 * @param services - the exact bits to ask for (see {@link seedQueryServices})
 */
export function seedQueryName(seed: string, services: bigint): string | undefined {
  const name = seed.replace(/\.$/, '');
  const served = SEED_SUBDOMAINS[name.toLowerCase()];
  if (served !== undefined && !served.includes(services)) return undefined;
  return `x${services.toString(16)}.${name}`;
}
