import fc from 'fast-check';
import { KNOWN_COMMANDS, type BlockHeader, type KnownCommand, type Message, type Transaction } from '../../lib/index.js';

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const i32 = fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff });
const u64 = fc.bigInt({ min: 0n, max: 0xffff_ffff_ffff_ffffn });
const i64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const hash = fc.uint8Array({ minLength: 32, maxLength: 32 });
const bytes = (max: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength: max });
const port = fc.integer({ min: 0, max: 0xffff });
const netAddress = fc.record({ services: u64, ip: fc.uint8Array({ minLength: 16, maxLength: 16 }), port });

/** Any 80-byte header. */
export const blockHeader: fc.Arbitrary<BlockHeader> = fc.record({
  version: i32,
  prevBlock: hash,
  merkleRoot: hash,
  timestamp: u32,
  bits: u32,
  nonce: u32,
});

/** Any transaction with at least one input (a zero-input legacy tx is ambiguous with the segwit marker). */
export const transaction: fc.Arbitrary<Transaction> = fc.record({
  version: i32,
  inputs: fc.array(fc.record({ txid: hash, vout: u32, script: bytes(60), sequence: u32, witness: fc.array(bytes(40), { maxLength: 3 }) }), {
    minLength: 1,
    maxLength: 4,
  }),
  outputs: fc.array(fc.record({ value: i64, script: bytes(40) }), { maxLength: 4 }),
  lockTime: u32,
});

const invItem = fc.record({ type: u32, hash });
const locator = fc.record({ version: u32, locator: fc.array(hash, { maxLength: 10 }), stopHash: hash });
const increasing = fc.uniqueArray(fc.integer({ min: 0, max: 0xffff }), { maxLength: 20 }).map((a) => a.sort((x, y) => x - y));
const addrV2Entry = fc.oneof(
  fc.record({ timestamp: u32, services: u64, network: fc.constant(1), address: fc.uint8Array({ minLength: 4, maxLength: 4 }), port }),
  fc.record({ timestamp: u32, services: u64, network: fc.constant(4), address: fc.uint8Array({ minLength: 32, maxLength: 32 }), port }),
  fc.record({ timestamp: u32, services: u64, network: fc.integer({ min: 7, max: 255 }), address: bytes(40), port }),
);

const ARBITRARIES: { [C in KnownCommand]: fc.Arbitrary<Extract<Message, { command: C }>> } = {
  version: fc.record({
    command: fc.constant('version'),
    version: i32,
    services: u64,
    timestamp: i64,
    receiver: netAddress,
    sender: netAddress,
    nonce: u64,
    userAgent: fc.string({ maxLength: 40 }),
    startHeight: i32,
    relay: fc.boolean(),
  }),
  verack: fc.constant({ command: 'verack' }),
  ping: fc.record({ command: fc.constant('ping'), nonce: u64 }),
  pong: fc.record({ command: fc.constant('pong'), nonce: u64 }),
  getaddr: fc.constant({ command: 'getaddr' }),
  addr: fc.record({
    command: fc.constant('addr'),
    addresses: fc.array(fc.record({ timestamp: u32, services: u64, ip: fc.uint8Array({ minLength: 16, maxLength: 16 }), port }), {
      maxLength: 5,
    }),
  }),
  addrv2: fc.record({ command: fc.constant('addrv2'), addresses: fc.array(addrV2Entry, { maxLength: 5 }) }),
  sendaddrv2: fc.constant({ command: 'sendaddrv2' }),
  inv: fc.record({ command: fc.constant('inv'), items: fc.array(invItem, { maxLength: 10 }) }),
  getdata: fc.record({ command: fc.constant('getdata'), items: fc.array(invItem, { maxLength: 10 }) }),
  notfound: fc.record({ command: fc.constant('notfound'), items: fc.array(invItem, { maxLength: 10 }) }),
  getblocks: locator.map((l) => ({ command: 'getblocks' as const, ...l })),
  getheaders: locator.map((l) => ({ command: 'getheaders' as const, ...l })),
  headers: fc.record({ command: fc.constant('headers'), headers: fc.array(blockHeader, { maxLength: 5 }) }),
  block: fc.record({
    command: fc.constant('block'),
    block: fc.record({ header: blockHeader, transactions: fc.array(transaction, { maxLength: 3 }) }),
  }),
  tx: fc.record({ command: fc.constant('tx'), tx: transaction }),
  mempool: fc.constant({ command: 'mempool' }),
  reject: fc.oneof(
    fc.record({
      command: fc.constant('reject'),
      message: fc.string({ maxLength: 12 }),
      code: fc.integer({ min: 0, max: 255 }),
      reason: fc.string({ maxLength: 100 }),
    }),
    fc.record({
      command: fc.constant('reject'),
      message: fc.constant('tx'),
      code: fc.constant(0x10),
      reason: fc.string({ maxLength: 100 }),
      hash,
    }),
  ),
  sendheaders: fc.constant({ command: 'sendheaders' }),
  feefilter: fc.record({ command: fc.constant('feefilter'), feeRate: i64 }),
  filterload: fc.record({
    command: fc.constant('filterload'),
    filter: bytes(100),
    hashFuncs: fc.integer({ min: 0, max: 50 }),
    tweak: u32,
    flags: fc.integer({ min: 0, max: 255 }),
  }),
  filteradd: fc.record({ command: fc.constant('filteradd'), data: bytes(520) }),
  filterclear: fc.constant({ command: 'filterclear' }),
  merkleblock: fc.record({
    command: fc.constant('merkleblock'),
    header: blockHeader,
    totalTransactions: u32,
    hashes: fc.array(hash, { maxLength: 6 }),
    flags: bytes(4),
  }),
  sendcmpct: fc.record({ command: fc.constant('sendcmpct'), announce: fc.boolean(), version: u64 }),
  cmpctblock: fc.record({
    command: fc.constant('cmpctblock'),
    header: blockHeader,
    nonce: u64,
    shortIds: fc.array(fc.integer({ min: 0, max: 2 ** 48 - 1 }), { maxLength: 10 }),
    prefilled: fc
      .uniqueArray(fc.integer({ min: 0, max: 0xffff }), { maxLength: 3 })
      .chain((idx) => fc.tuple(...idx.sort((a, b) => a - b).map((index) => transaction.map((tx) => ({ index, tx }))))),
  }),
  getblocktxn: fc.record({ command: fc.constant('getblocktxn'), blockHash: hash, indexes: increasing }),
  blocktxn: fc.record({ command: fc.constant('blocktxn'), blockHash: hash, transactions: fc.array(transaction, { maxLength: 3 }) }),
  wtxidrelay: fc.constant({ command: 'wtxidrelay' }),
  getcfilters: fc.record({
    command: fc.constant('getcfilters'),
    filterType: fc.integer({ min: 0, max: 255 }),
    startHeight: u32,
    stopHash: hash,
  }),
  cfilter: fc.record({
    command: fc.constant('cfilter'),
    filterType: fc.integer({ min: 0, max: 255 }),
    blockHash: hash,
    filter: bytes(100),
  }),
  getcfheaders: fc.record({
    command: fc.constant('getcfheaders'),
    filterType: fc.integer({ min: 0, max: 255 }),
    startHeight: u32,
    stopHash: hash,
  }),
  cfheaders: fc.record({
    command: fc.constant('cfheaders'),
    filterType: fc.integer({ min: 0, max: 255 }),
    stopHash: hash,
    previousFilterHeader: hash,
    filterHashes: fc.array(hash, { maxLength: 6 }),
  }),
  getcfcheckpt: fc.record({ command: fc.constant('getcfcheckpt'), filterType: fc.integer({ min: 0, max: 255 }), stopHash: hash }),
  cfcheckpt: fc.record({
    command: fc.constant('cfcheckpt'),
    filterType: fc.integer({ min: 0, max: 255 }),
    stopHash: hash,
    filterHeaders: fc.array(hash, { maxLength: 6 }),
  }),
};

/** An arbitrary message of the given command. */
export function messageOf<C extends KnownCommand>(command: C): fc.Arbitrary<Extract<Message, { command: C }>> {
  return ARBITRARIES[command];
}

const unknownMessage: fc.Arbitrary<Message> = fc.record({
  command: fc.constant('unknown' as const),
  rawCommand: fc.stringMatching(/^[a-z]{1,12}$/).filter((c) => !(KNOWN_COMMANDS as readonly string[]).includes(c)),
  payload: bytes(64),
});

/** An arbitrary message of any command, `unknown` included. */
export const anyMessage: fc.Arbitrary<Message> = fc.oneof(
  ...KNOWN_COMMANDS.map((c) => ARBITRARIES[c] as fc.Arbitrary<Message>),
  unknownMessage,
);
