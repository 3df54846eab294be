import type { Block } from '../wire/messages/block.js';
import { fromHex, hashToHex } from '../wire/hex.js';
import { txid, type Transaction } from '../wire/transaction.js';
import type { ChainParams } from './params.js';
import { genesisHeader } from './raw-header.js';

/** The genesis coinbase's input script: the bits, then "The Times 03/Jan/2009 Chancellor on brink of second bailout for banks". */
const GENESIS_SCRIPT_SIG =
  '04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73';
/** Its one output's script: pay-to-pubkey. */
const GENESIS_OUTPUT_SCRIPT =
  '4104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac';

/**
 * The whole genesis block of a network whose genesis coinbase is Bitcoin's
 * (mainnet, testnet3, signet, regtest): what a BIP157 server needs to
 * filter height 0.
 * @throws RangeError for a network with another genesis coinbase (testnet4)
 */
export function genesisBlock(params: ChainParams): Block {
  const coinbase: Transaction = {
    version: 1,
    inputs: [{ txid: new Uint8Array(32), vout: 0xffffffff, script: fromHex(GENESIS_SCRIPT_SIG), sequence: 0xffffffff, witness: [] }],
    outputs: [{ value: 5_000_000_000n, script: fromHex(GENESIS_OUTPUT_SCRIPT) }],
    lockTime: 0,
  };
  const root = txid(coinbase);
  if (hashToHex(root) !== params.genesis.merkleRoot) throw new RangeError('this network’s genesis coinbase is not Bitcoin’s');
  return {
    header: genesisHeader(params),
    transactions: [coinbase],
  };
}
