import { hashFromHex } from './hex.js';

/** Static parameters of one Bitcoin network. */
export interface Network {
  /** Short name: `mainnet`, `testnet3`, `testnet4`, `signet` or `regtest`. */
  readonly name: string;
  /** The 4-byte message start, read as a little-endian u32. */
  readonly magic: number;
  /** Default P2P port. */
  readonly port: number;
  /** Genesis block hash in display (reversed hex) order. */
  readonly genesisHash: string;
  /** DNS seeds used to find peers. Empty for regtest. */
  readonly dnsSeeds: readonly string[];
}

/** The magic of a network, as the 4 bytes that start every frame. */
export function magicBytes(network: Network): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, network.magic, true);
  return out;
}

/** The genesis hash of a network in wire order. */
export function genesisHashBytes(network: Network): Uint8Array {
  return hashFromHex(network.genesisHash);
}

/** Bitcoin mainnet (message start f9 be b4 d9). */
export const mainnet: Network = {
  name: 'mainnet',
  magic: 0xd9b4bef9,
  port: 8333,
  genesisHash: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',
  dnsSeeds: [
    'seed.bitcoin.sipa.be',
    'dnsseed.bluematt.me',
    'seed.bitcoin.jonasschnelli.ch',
    'seed.btc.petertodd.net',
    'seed.bitcoin.sprovoost.nl',
    'dnsseed.emzy.de',
    'seed.bitcoin.wiz.biz',
    'seed.mainnet.achownodes.xyz',
  ],
};

/** The third testnet (message start 0b 11 09 07). */
export const testnet3: Network = {
  name: 'testnet3',
  magic: 0x0709110b,
  port: 18333,
  genesisHash: '000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943',
  dnsSeeds: [
    'testnet-seed.bitcoin.jonasschnelli.ch',
    'seed.tbtc.petertodd.net',
    'seed.testnet.bitcoin.sprovoost.nl',
    'testnet-seed.bluematt.me',
    'seed.testnet.achownodes.xyz',
  ],
};

/** The fourth testnet, BIP94 (message start 1c 16 3f 28). */
export const testnet4: Network = {
  name: 'testnet4',
  magic: 0x283f161c,
  port: 48333,
  genesisHash: '00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043',
  dnsSeeds: ['seed.testnet4.bitcoin.sprovoost.nl', 'seed.testnet4.wiz.biz'],
};

/** The default signet (message start 0a 03 cf 40). */
export const signet: Network = {
  name: 'signet',
  magic: 0x40cf030a,
  port: 38333,
  genesisHash: '00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6',
  dnsSeeds: ['seed.signet.bitcoin.sprovoost.nl', 'seed.signet.achownodes.xyz'],
};

/** Local regression-test network (message start fa bf b5 da). */
export const regtest: Network = {
  name: 'regtest',
  magic: 0xdab5bffa,
  port: 18444,
  genesisHash: '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206',
  dnsSeeds: [],
};

/** Every built-in network, by name. */
export const networks = { mainnet, testnet3, testnet4, signet, regtest } as const;

/** Name of a built-in network. */
export type NetworkName = keyof typeof networks;

/** Look up a built-in network by name or magic; undefined when unknown. */
export function findNetwork(nameOrMagic: string | number): Network | undefined {
  return Object.values(networks).find((n) => n.name === nameOrMagic || n.magic === nameOrMagic);
}
