import { AddressError, addressToScript, networks, scriptToAddress, toHex } from '../../lib/index.js';

// BIP173 and BIP350 valid vectors (segwit), and well-known base58 addresses, with the scripts they pay.
const VALID: [string, keyof typeof networks, string][] = [
  ['BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', 'mainnet', '0014751e76e8199196d454941c45d1b3a323f1433bd6'],
  [
    'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7',
    'testnet3',
    '00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262',
  ],
  [
    'bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y',
    'mainnet',
    '5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6',
  ],
  [
    'tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c',
    'testnet4',
    '5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433',
  ],
  ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', 'mainnet', '76a91477bff20c60e522dfaa3350c39b030a5d004e839a88ac'],
  ['3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', 'mainnet', 'a914b472a266d0bd89c13706a4132ccfb16f7c3b9fcb87'],
];

// BIP173/BIP350 invalid vectors, and base58 mistakes.
const INVALID: [string, keyof typeof networks][] = [
  ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', 'mainnet'], // bad checksum
  ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh', 'mainnet'], // v0 with a bech32m checksum
  ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut', 'mainnet'], // v1 with a bech32 checksum
  ['tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7', 'mainnet'], // another network's prefix
  ['BC1SW50QGDZ25J', 'mainnet'], // v16 program of 2 bytes is fine in BIP350 but… (see below)
  ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3', 'mainnet'], // bad base58 checksum
  ['mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn', 'mainnet'], // a testnet P2PKH on mainnet
];

describe('addressToScript (through @scure/base)', () => {
  it.each(VALID)('%s (%s)', (address, net, script) => {
    expect(toHex(addressToScript(address, networks[net]))).toBe(script);
    const bech = /^(bc|tb|bcrt)1/i.test(address);
    expect(scriptToAddress(addressToScript(address, networks[net]), networks[net])).toBe(bech ? address.toLowerCase() : address);
  });

  it.each(INVALID.filter(([a]) => a !== 'BC1SW50QGDZ25J'))('refuses %s on %s', (address, net) => {
    expect(() => addressToScript(address, networks[net])).toThrow(AddressError);
  });

  it('accepts a version-16 program of two bytes (BIP350 vector BC1SW50QGDZ25J)', () => {
    expect(toHex(addressToScript('BC1SW50QGDZ25J', networks.mainnet))).toBe('6002751e');
  });

  it('regtest uses the bcrt prefix and testnet version bytes', () => {
    const script = addressToScript('mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn', networks.regtest);
    expect(toHex(script)).toBe('76a914243f1394f44554f4ce3fd68649c19adc483ce92488ac');
    expect(scriptToAddress(Uint8Array.from([0, 20, ...new Uint8Array(20)]), networks.regtest)).toMatch(/^bcrt1q/);
  });
});
