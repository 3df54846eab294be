import {
  ByteReader,
  InvType,
  blockHash,
  fromHex,
  ipFromString,
  readBlock,
  readBlockFile,
  txid,
  wtxid,
  type Block,
  type InvVector,
  type Message,
  type Transaction,
} from '../lib/index.js';

/** Reads a file of the repository's `testdata/` by name. */
export type DataReader = (name: string) => Uint8Array;

/** One seed of the fuzz corpus: a valid message built from real mainnet data. */
export interface Seed {
  /** What the seed holds, for reports. */
  name: string;
  /** The message. */
  message: Message;
}

const block = (raw: Uint8Array): Block => readBlock(new ByteReader(raw, 'block'));

/** BIP158 vector rows: [height, hash, block, scripts, prevHeader, filter, header, notes]. */
type FilterRow = [number, string, string, string[], string, string, string, string];

/**
 * Build the seed corpus: at least one valid message of every known command,
 * with real blocks, transactions, headers, hashes and BIP158 filters from
 * `testdata/` wherever the command carries chain data. Large payloads
 * are left out (`maxTransactionBytes`) so mutating a seed stays cheap.
 */
export function buildCorpus(read: DataReader, maxTransactionBytes = 20_000): Seed[] {
  const early = readBlockFile(read('blocks1-256')).map((r) => block(r.block));
  const b277647 = block(readBlockFile(read('277647.dat'))[0]!.block);
  const segwit = block(read('block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk'));
  const txs: Transaction[] = [b277647.transactions[1]!, ...segwit.transactions.slice(0, 40)].filter(
    (tx) => tx.inputs.reduce((n, i) => n + i.script.length, 0) < maxTransactionBytes,
  );
  const withWitness = txs.filter((tx) => tx.inputs.some((i) => i.witness.length > 0));
  const hashes = early.map((b) => blockHash(b.header));
  const txids = b277647.transactions.map(txid);
  const items = (type: number, from: Uint8Array[], n: number): InvVector[] => from.slice(0, n).map((hash) => ({ type, hash }));
  const rows = (JSON.parse(new TextDecoder().decode(read('bips/testnet-19.json'))) as unknown[]).slice(1) as FilterRow[];
  const hexHash = (hex: string): Uint8Array => fromHex(hex).reverse();
  const zero = new Uint8Array(32);
  const addr = (ip: string, port: number): { timestamp: number; services: bigint; ip: Uint8Array; port: number } => ({
    timestamp: 1_700_000_000,
    services: 0x409n,
    ip: ipFromString(ip),
    port,
  });

  const seeds: Seed[] = [
    {
      name: 'version (Bitcoin Core 27 style)',
      message: {
        command: 'version',
        version: 70016,
        services: 0xc09n,
        timestamp: 1_700_000_000n,
        receiver: { services: 0n, ip: ipFromString('127.0.0.1'), port: 8333 },
        sender: { services: 0xc09n, ip: ipFromString('::'), port: 0 },
        nonce: 0x0123_4567_89ab_cdefn,
        userAgent: '/Satoshi:27.0.0/',
        startHeight: 840_000,
        relay: true,
      },
    },
    { name: 'verack', message: { command: 'verack' } },
    { name: 'ping', message: { command: 'ping', nonce: 0xfeed_beefn } },
    { name: 'pong', message: { command: 'pong', nonce: 0xfeed_beefn } },
    { name: 'getaddr', message: { command: 'getaddr' } },
    {
      name: 'addr (3 entries)',
      message: { command: 'addr', addresses: [addr('127.0.0.1', 8333), addr('::1', 18444), addr('10.1.2.3', 8333)] },
    },
    {
      name: 'addrv2 (ipv4, ipv6, torv3)',
      message: {
        command: 'addrv2',
        addresses: [
          { timestamp: 1_700_000_000, services: 0x409n, network: 1, address: Uint8Array.of(127, 0, 0, 1), port: 8333 },
          { timestamp: 1_700_000_000, services: 0x409n, network: 2, address: ipFromString('2001:db8::1'), port: 8333 },
          { timestamp: 1_700_000_000, services: 0x409n, network: 4, address: txids[0]!, port: 8333 },
        ],
      },
    },
    { name: 'sendaddrv2', message: { command: 'sendaddrv2' } },
    { name: 'inv (35 txids of block 277647)', message: { command: 'inv', items: items(InvType.Tx, txids, 35) } },
    { name: 'inv (one block)', message: { command: 'inv', items: items(InvType.Block, hashes, 1) } },
    { name: 'getdata (witness txs)', message: { command: 'getdata', items: items(InvType.WitnessTx, txids, 12) } },
    { name: 'notfound', message: { command: 'notfound', items: items(InvType.Tx, txids, 3) } },
    { name: 'getblocks', message: { command: 'getblocks', version: 70016, locator: hashes.slice(0, 10).reverse(), stopHash: zero } },
    {
      name: 'getheaders',
      message: { command: 'getheaders', version: 70016, locator: hashes.slice(0, 30).reverse(), stopHash: hashes[40]! },
    },
    { name: 'headers (heights 1 to 255)', message: { command: 'headers', headers: early.map((b) => b.header) } },
    { name: 'headers (3)', message: { command: 'headers', headers: early.slice(0, 3).map((b) => b.header) } },
    { name: 'block (height 1)', message: { command: 'block', block: early[0]! } },
    { name: 'block (height 170, first spend)', message: { command: 'block', block: early[169]! } },
    { name: 'block 277647', message: { command: 'block', block: b277647 } },
    ...txs.slice(0, 6).map((tx, i) => ({ name: `tx ${i}`, message: { command: 'tx' as const, tx } })),
    ...withWitness.slice(0, 3).map((tx, i) => ({ name: `tx with witness ${i}`, message: { command: 'tx' as const, tx } })),
    { name: 'mempool', message: { command: 'mempool' } },
    {
      name: 'reject (tx)',
      message: { command: 'reject', message: 'tx', code: 0x10, reason: 'mandatory-script-verify-flag-failed', hash: txids[1]! },
    },
    { name: 'reject (version)', message: { command: 'reject', message: 'version', code: 0x11, reason: 'obsolete' } },
    { name: 'sendheaders', message: { command: 'sendheaders' } },
    { name: 'feefilter', message: { command: 'feefilter', feeRate: 1000n } },
    { name: 'filterload', message: { command: 'filterload', filter: txids[2]!.subarray(0, 24), hashFuncs: 11, tweak: 0x1234, flags: 1 } },
    { name: 'filteradd (a real output script)', message: { command: 'filteradd', data: b277647.transactions[1]!.outputs[0]!.script } },
    { name: 'filterclear', message: { command: 'filterclear' } },
    {
      name: 'merkleblock (block 277647)',
      message: {
        command: 'merkleblock',
        header: b277647.header,
        totalTransactions: b277647.transactions.length,
        hashes: txids.slice(0, 9),
        flags: Uint8Array.of(0x1d, 0xb7, 0x01),
      },
    },
    { name: 'sendcmpct', message: { command: 'sendcmpct', announce: true, version: 2n } },
    {
      name: 'cmpctblock (block 277647)',
      message: {
        command: 'cmpctblock',
        header: b277647.header,
        nonce: 0x5eed_5eedn,
        shortIds: b277647.transactions.slice(1, 60).map((tx) => {
          const h = wtxid(tx);
          return h[0]! + h[1]! * 2 ** 8 + h[2]! * 2 ** 16 + h[3]! * 2 ** 24 + h[4]! * 2 ** 32 + h[5]! * 2 ** 40;
        }),
        prefilled: [{ index: 0, tx: b277647.transactions[0]! }],
      },
    },
    { name: 'getblocktxn', message: { command: 'getblocktxn', blockHash: blockHash(b277647.header), indexes: [1, 2, 5, 40, 212] } },
    {
      name: 'blocktxn',
      message: { command: 'blocktxn', blockHash: blockHash(b277647.header), transactions: b277647.transactions.slice(1, 4) },
    },
    { name: 'wtxidrelay', message: { command: 'wtxidrelay' } },
    { name: 'getcfilters', message: { command: 'getcfilters', filterType: 0, startHeight: 1, stopHash: hexHash(rows[3]![1]) } },
    ...rows.slice(0, 4).map((row) => ({
      name: `cfilter (BIP158 vector, height ${row[0]})`,
      message: { command: 'cfilter' as const, filterType: 0, blockHash: hexHash(row[1]), filter: fromHex(row[5]) },
    })),
    { name: 'getcfheaders', message: { command: 'getcfheaders', filterType: 0, startHeight: 0, stopHash: hexHash(rows[5]![1]) } },
    {
      name: 'cfheaders (BIP158 vectors)',
      message: {
        command: 'cfheaders',
        filterType: 0,
        stopHash: hexHash(rows[5]![1]),
        previousFilterHeader: hexHash(rows[0]![4]),
        filterHashes: rows.slice(0, 6).map((row) => hexHash(row[6])),
      },
    },
    { name: 'getcfcheckpt', message: { command: 'getcfcheckpt', filterType: 0, stopHash: hexHash(rows[5]![1]) } },
    {
      name: 'cfcheckpt (BIP158 vectors)',
      message: { command: 'cfcheckpt', filterType: 0, stopHash: hexHash(rows[5]![1]), filterHeaders: rows.map((row) => hexHash(row[6])) },
    },
    { name: 'unknown command', message: { command: 'unknown', rawCommand: 'fuzzme', payload: txids[3]! } },
  ];
  return seeds;
}
