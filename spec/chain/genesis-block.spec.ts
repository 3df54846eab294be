import { blockHash, chainParams, genesisBlock, hashToHex, networks, txid } from '../../lib/index.js';

describe('genesisBlock', () => {
  it.each(['mainnet', 'testnet3', 'signet', 'regtest'] as const)('%s: the whole block, hashing to the network’s genesis', (name) => {
    const block = genesisBlock(chainParams(networks[name]));
    expect(hashToHex(blockHash(block.header))).toBe(networks[name].genesisHash);
    expect(hashToHex(txid(block.transactions[0]!))).toBe('4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b');
  });

  it('testnet4 has another genesis coinbase: refused', () => {
    expect(() => genesisBlock(chainParams(networks.testnet4))).toThrow(RangeError);
  });
});
