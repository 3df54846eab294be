import { SEED_SERVICES, ServiceFlag, networks, seedQueryName, seedQueryServices } from '../../lib/index.js';

describe('DNS seed service filters', () => {
  it('asks NODE_NETWORK | NODE_WITNESS plus the wanted bits: x49 for compact filters, x448 for pruned ones', () => {
    expect(SEED_SERVICES).toBe(0x9n);
    expect(seedQueryServices(ServiceFlag.CompactFilters)).toBe(0x49n);
    expect(seedQueryServices(ServiceFlag.P2PV2)).toBe(0x809n);
    expect(seedQueryServices(ServiceFlag.CompactFilters | ServiceFlag.NetworkLimited)).toBe(0x448n);
  });

  it('names x<hex>.<seed> for seeds that answer it, or whose support Core does not note; none for seeds noted without it', () => {
    const asked = networks.mainnet.dnsSeeds.flatMap((s) => seedQueryName(s, 0x49n) ?? []);
    expect(asked).toContain('x49.seed.mainnet.achownodes.xyz');
    expect(asked).toContain('x49.seed.bitcoin.sprovoost.nl'); // no note in Core: asked
    expect(asked.some((n) => /sipa|bluematt|jonasschnelli|petertodd/.test(n))).toBe(false); // "only supports x1, x5, x9, and xd" / "only x9"
    expect(seedQueryName('seed.bitcoin.sipa.be.', 0x9n)).toBe('x9.seed.bitcoin.sipa.be');
    expect(seedQueryName('seed.signet.achownodes.xyz', 0x849n)).toBe('x849.seed.signet.achownodes.xyz');
  });

  it('lists a seed that answers x49 for every public network: the achownodes.xyz seeds, as Core 28 does', () => {
    const expected = { mainnet: 'mainnet', testnet3: 'testnet', signet: 'signet' } as const;
    for (const [name, seed] of Object.entries(expected)) {
      const n = networks[name as keyof typeof expected];
      expect(n.dnsSeeds.map((s) => seedQueryName(s, 0x49n))).toContain(`x49.seed.${seed}.achownodes.xyz`);
    }
  });
});
