import { hashFromHex } from '../wire/hex.js';
import type { Network } from '../wire/networks.js';

/** A block hash a chain must have at a height (display hex). */
export interface Checkpoint {
  /** Height. */
  height: number;
  /** Block hash, display (reversed) hex. */
  hash: string;
  /** Total work of the chain up to and including this block, where known (a chain started here then keeps the minimum-chain-work rule). */
  chainWork?: bigint;
}

/** The consensus rules a header chain checks, per network (Bitcoin Core's `Consensus::Params`). */
export interface ChainParams {
  /** Highest allowed target. */
  powLimit: bigint;
  /** Blocks between retargets. @default 2016 */
  retargetInterval: number;
  /** Seconds a retarget period should last. @default 1209600 (two weeks) */
  targetTimespan: number;
  /** Seconds between blocks. @default 600 */
  targetSpacing: number;
  /** testnet3/testnet4/regtest: a block more than 2 × spacing after its parent may use the pow limit. */
  allowMinDifficultyBlocks: boolean;
  /** regtest: the target never changes. */
  noRetargeting: boolean;
  /** testnet4's BIP94 rules: retarget from the period's first block, and the time-warp check. */
  enforceBip94: boolean;
  /** Heights from which versions below 2, 3 and 4 are refused (BIP34, BIP66, BIP65). */
  versionHeights: readonly [bip34: number, bip66: number, bip65: number];
  /** Hard-coded checkpoints, ascending: a best chain must have these blocks at these heights. */
  checkpoints: readonly Checkpoint[];
  /** Least total work an honest best chain has (Core's nMinimumChainWork); 0 to disable. */
  minimumChainWork: bigint;
  /** The genesis header's fields, to root a chain at height 0. */
  genesis: GenesisFields;
}

/** The fields of a genesis header (its previous-block hash is all zeros). */
export interface GenesisFields {
  /** Version. */
  version: number;
  /** Merkle root, display hex. */
  merkleRoot: string;
  /** Time, seconds since 1970. */
  timestamp: number;
  /** Compact target. */
  bits: number;
  /** Nonce. */
  nonce: number;
}

const BITCOIN_MERKLE = '4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b';
const MAIN_POW_LIMIT = (1n << 224n) - 1n; // 0x00000000ffff…ff
const base = {
  retargetInterval: 2016,
  targetTimespan: 14 * 24 * 3600,
  targetSpacing: 600,
  noRetargeting: false,
  enforceBip94: false,
} as const;

/** Bitcoin Core's mainnet checkpoints (chainparams.cpp, as also carried by btcd), plus two heights whose blocks are in testdata/. */
const CORE_MAINNET_CHECKPOINTS: readonly Checkpoint[] = [
  { height: 11111, hash: '0000000069e244f73d78e8fd29ba2fd2ed618bd6fa2ee92559f542fdb26e7c1d' },
  { height: 33333, hash: '000000002dd5588a74784eaa7ab0507a18ad16a236e7b1ce69f00d7ddfb5d0a6' },
  { height: 74000, hash: '0000000000573993a3c9e41ce34471c079dcf5f52a0e824a81e7f953b8661a20' },
  { height: 105000, hash: '00000000000291ce28027faea320c8d2b054b2e0fe44a773f3eefb151d6bdc97' },
  { height: 134444, hash: '00000000000005b12ffd4cd315cd34ffd4a594f430ac814c91184a0d42d2b0fe' },
  { height: 168000, hash: '000000000000099e61ea72015e79632f216fe6cb33d7899acb35b75c8303b763' },
  { height: 193000, hash: '000000000000059f452a5f7340de6682a977387c17010ff6e6c3bd83ca8b1317' },
  { height: 210000, hash: '000000000000048b95347e83192f69cf0366076336c639f9b7228e9ba171342e' },
  { height: 216116, hash: '00000000000001b4f4b433e81ee46494af945cf96014816a4e2370f11b23df4e' },
  { height: 225430, hash: '00000000000001c108384350f74090433e7fcf79a606b8e797f065b130575932' },
  { height: 250000, hash: '000000000000003887df1f29024b06fc2200b55f8af8f35453d7be294df2d214' },
  { height: 279000, hash: '0000000000000001ae8c72a0b0c301f67e3afca10e819efa9041e458e9bd7e40' },
  { height: 295000, hash: '00000000000000004d9b4ef50f0f9d686fd69db2e03af35a100370c64632a983' },
  { height: 300025, hash: '0000000000000000821c4e0acc40f88bedbce3b73ba2358b5ade58a9022cc78c' },
  { height: 830000, hash: '000000000000000000011d55599ed27d7efca05f5849b755319c89eb2cffbc1f' },
];

const PARAMS: Record<string, ChainParams> = {
  mainnet: {
    ...base,
    powLimit: MAIN_POW_LIMIT,
    allowMinDifficultyBlocks: false,
    versionHeights: [227931, 363725, 388381],
    checkpoints: CORE_MAINNET_CHECKPOINTS,
    minimumChainWork: 0xdee8e2a309ad8a9820433c68n,
    genesis: { version: 1, merkleRoot: BITCOIN_MERKLE, timestamp: 1231006505, bits: 0x1d00ffff, nonce: 2083236893 },
  },
  testnet3: {
    ...base,
    powLimit: MAIN_POW_LIMIT,
    allowMinDifficultyBlocks: true,
    versionHeights: [21111, 330776, 581885],
    checkpoints: [{ height: 546, hash: '000000002a936ca763904c3c35fce2f3556c559c0214345d31b1bcebf76acb70' }],
    minimumChainWork: 0x16dd270dd94fac1d7632n,
    genesis: { version: 1, merkleRoot: BITCOIN_MERKLE, timestamp: 1296688602, bits: 0x1d00ffff, nonce: 414098458 },
  },
  testnet4: {
    ...base,
    powLimit: MAIN_POW_LIMIT,
    allowMinDifficultyBlocks: true,
    enforceBip94: true,
    versionHeights: [1, 1, 1],
    checkpoints: [],
    minimumChainWork: 0x34a4690fe592dc49c7cn,
    genesis: {
      version: 1,
      merkleRoot: '7aa0a7ae1e223414cb807e40cd57e667b718e42aaf9306db9102fe28912b7b4e',
      timestamp: 1714777860,
      bits: 0x1d00ffff,
      nonce: 393743547,
    },
  },
  signet: {
    ...base,
    powLimit: 0x377aen << 216n, // 0x00000377ae00…00
    allowMinDifficultyBlocks: false,
    versionHeights: [1, 1, 1],
    checkpoints: [],
    minimumChainWork: 0xb463ea0a4b8n,
    genesis: { version: 1, merkleRoot: BITCOIN_MERKLE, timestamp: 1598918400, bits: 0x1e0377ae, nonce: 52613770 },
  },
  regtest: {
    ...base,
    powLimit: (1n << 255n) - 1n, // 0x7fff…ff
    allowMinDifficultyBlocks: true,
    noRetargeting: true,
    versionHeights: [1, 1, 1],
    checkpoints: [],
    minimumChainWork: 0n,
    genesis: { version: 1, merkleRoot: BITCOIN_MERKLE, timestamp: 1296688602, bits: 0x207fffff, nonce: 2 },
  },
};

/**
 * The consensus parameters of a built-in network (by its name), with
 * Bitcoin Core's values.
 * @throws RangeError for a network rxbtc has no rules for
 */
export function chainParams(network: Network): ChainParams {
  const p = PARAMS[network.name];
  if (!p) throw new RangeError(`no chain rules for network ${network.name}; pass params to createHeaderChain`);
  return p;
}

/** A checkpoint's hash in wire order. */
export function checkpointHash(c: Checkpoint): Uint8Array {
  return hashFromHex(c.hash);
}
