import {
  readBlockFile,
  blockHash,
  bytesEqual,
  decodePayload,
  encodePayload,
  encodeTransaction,
  fromHex,
  hashFromHex,
  hashToHex,
  merkleRoot,
  networks,
  readBlock,
  ByteReader,
  sha256d,
  toHex,
  txid,
  wtxid,
  type Block,
} from '../../lib/index.js';
import { BLOCK_1_2MB, BLOCK_2_3MB, readData } from '../helpers/data.js';

function decodeBlockBytes(bytes: Uint8Array): Block {
  const m = decodePayload('block', bytes);
  if (m.command !== 'block') throw new Error('not a block');
  return m.block;
}

/** BIP141: the coinbase commits to the witness merkle root in an OP_RETURN 6a24aa21a9ed… output. */
function witnessCommitment(block: Block): Uint8Array | undefined {
  const coinbase = block.transactions[0]!;
  const prefix = fromHex('6a24aa21a9ed');
  const out = [...coinbase.outputs].reverse().find((o) => o.script.length >= 38 && bytesEqual(o.script.subarray(0, 6), prefix));
  return out?.script.subarray(6, 38);
}

describe('real mainnet blocks', () => {
  const cases = [
    { file: BLOCK_1_2MB, txs: 3315, size: 1_245_250 },
    { file: BLOCK_2_3MB, txs: 230, size: 2_259_447 },
  ];

  it.each(cases)('$file decodes to $txs transactions, hashes to its name and re-encodes byte-identical', ({ file, txs, size }) => {
    const bytes = readData(file);
    expect(bytes.length).toBe(size);
    const block = decodeBlockBytes(bytes);
    expect(block.transactions).toHaveLength(txs);
    expect(hashToHex(blockHash(block.header))).toBe(file.slice('block-'.length, -'.blk'.length));
    expect(bytesEqual(encodePayload({ command: 'block', block }), bytes)).toBe(true);
  });

  it.each(cases)('$file: txids give the header merkle root and wtxids the witness commitment', ({ file }) => {
    const block = decodeBlockBytes(readData(file));
    expect(toHex(merkleRoot(block.transactions.map(txid)))).toBe(toHex(block.header.merkleRoot));
    const wtxids = block.transactions.map((tx, i) => (i === 0 ? new Uint8Array(32) : wtxid(tx)));
    const reserved = block.transactions[0]!.inputs[0]!.witness[0]!;
    const commitment = sha256d(Uint8Array.from([...merkleRoot(wtxids), ...reserved]));
    expect(toHex(commitment)).toBe(toHex(witnessCommitment(block)!));
  });

  it('the 1 MB transaction decodes, re-encodes byte-identical, and its txid differs from its wtxid only with witness', () => {
    const bytes = readData('megatx.bin');
    expect(bytes.length).toBe(999_657);
    const m = decodePayload('tx', bytes);
    if (m.command !== 'tx') throw new Error('not a tx');
    expect(bytesEqual(encodeTransaction(m.tx), bytes)).toBe(true);
    const witness = m.tx.inputs.some((i) => i.witness.length > 0);
    expect(bytesEqual(txid(m.tx), wtxid(m.tx))).toBe(!witness);
    expect(bytesEqual(txid(m.tx), sha256d(encodeTransaction(m.tx, false)))).toBe(true);
  });

  it('block 277647 from a block file decodes with 213 transactions and the recorded hash', () => {
    const [record] = readBlockFile(readData('277647.dat'));
    expect(record!.magic).toBe(networks.mainnet.magic);
    const block = decodeBlockBytes(record!.block);
    expect(block.transactions).toHaveLength(213);
    expect(hashToHex(blockHash(block.header))).toBe('0000000000000000054a714e580b16c583701712ab91060e92dbde6eb1e052a8');
    expect(toHex(merkleRoot(block.transactions.map(txid)))).toBe(toHex(block.header.merkleRoot));
  });

  it('the genesis block hashes to networks.mainnet.genesisHash, and blocks 0-4 chain', () => {
    const blocks = readBlockFile(readData('blk_0_to_4.dat')).map((r) => decodeBlockBytes(r.block));
    expect(blocks).toHaveLength(5);
    expect(hashToHex(blockHash(blocks[0]!.header))).toBe(networks.mainnet.genesisHash);
    // The genesis coinbase's famous scriptSig text.
    const text = new TextDecoder().decode(blocks[0]!.transactions[0]!.inputs[0]!.script);
    expect(text).toContain('The Times 03/Jan/2009 Chancellor on brink of second bailout for banks');
    for (let i = 1; i < blocks.length; i++) {
      expect(toHex(blocks[i]!.header.prevBlock)).toBe(toHex(blockHash(blocks[i - 1]!.header)));
    }
  });

  it('255 consecutive blocks from height 1 decode, chain, match their merkle roots and re-encode', () => {
    const records = readBlockFile(readData('blocks1-256'));
    expect(records).toHaveLength(255);
    let prev = hashFromHex(networks.mainnet.genesisHash);
    for (const { block: bytes } of records) {
      const block = readBlock(new ByteReader(bytes, 'block'));
      expect(toHex(block.header.prevBlock)).toBe(toHex(prev));
      expect(toHex(merkleRoot(block.transactions.map(txid)))).toBe(toHex(block.header.merkleRoot));
      expect(bytesEqual(encodePayload({ command: 'block', block }), bytes)).toBe(true);
      prev = blockHash(block.header);
    }
    expect(hashToHex(prev)).toMatch(/^00000000/);
  });

  it('headers 1-11 decode and link, each meeting its own proof-of-work target', async () => {
    const lines = new TextDecoder().decode(readData('blockheaders-mainnet-1-11.txt')).trim().split('\n');
    let prev = networks.mainnet.genesisHash;
    for (const line of lines) {
      const payload = Uint8Array.from([1, ...fromHex(line.trim()), 0]);
      const m = decodePayload('headers', payload);
      if (m.command !== 'headers') throw new Error('not headers');
      const header = m.headers[0]!;
      expect(hashToHex(header.prevBlock)).toBe(prev);
      prev = hashToHex(blockHash(header));
      expect(prev.startsWith('00000000')).toBe(true);
    }
    expect(lines).toHaveLength(11);
  });
});

describe('readBlockFile', () => {
  it('stops at zero padding and refuses records that run past the end or claim too much', () => {
    const file = readData('blk_0_to_4.dat');
    const padded = new Uint8Array(file.length + 16);
    padded.set(file);
    expect(readBlockFile(padded)).toHaveLength(5);
    expect(() => readBlockFile(file.subarray(0, file.length - 1))).toThrow(expect.objectContaining({ code: 'truncated' }));
    const liar = file.slice(0, 8);
    new DataView(liar.buffer).setUint32(4, 4_000_001, true);
    expect(() => readBlockFile(liar)).toThrow(expect.objectContaining({ code: 'limit-exceeded' }));
  });
});

describe('real BIP152 compact block', () => {
  it('cmpctblock-426884.bin decodes (block 426884, 408 short ids, the coinbase prefilled) and re-encodes byte-identical', () => {
    const bytes = readData('cmpctblock-426884.bin');
    const m = decodePayload('cmpctblock', bytes);
    if (m.command !== 'cmpctblock') throw new Error('not a cmpctblock');
    expect(hashToHex(blockHash(m.header))).toBe('00000000000000000431d0ead6e0bd9f90ff0d469e9b05d51e3d04971f472973');
    expect(m.shortIds).toHaveLength(408);
    expect(m.shortIds.every((id) => Number.isInteger(id) && id >= 0 && id < 2 ** 48)).toBe(true);
    expect(m.prefilled).toHaveLength(1);
    expect(m.prefilled[0]!.index).toBe(0);
    expect(m.prefilled[0]!.tx.inputs[0]!.txid.every((b) => b === 0)).toBe(true);
    expect(bytesEqual(encodePayload(m), bytes)).toBe(true);
  });
});
