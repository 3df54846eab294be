import { sha256d } from './hash.js';
import type { ByteReader } from './reader.js';
import { withWriter, type ByteWriter } from './writer.js';

/** A transaction input. */
export interface TxInput {
  /** Hash of the transaction being spent (wire order). */
  txid: Uint8Array;
  /** Index of the output being spent. */
  vout: number;
  /** scriptSig. */
  script: Uint8Array;
  /** nSequence. */
  sequence: number;
  /** Witness stack (BIP144); empty for non-witness inputs. */
  witness: readonly Uint8Array[];
}

/** A transaction output. */
export interface TxOutput {
  /** Amount in satoshis (signed 64-bit on the wire). */
  value: bigint;
  /** scriptPubKey. */
  script: Uint8Array;
}

/** A transaction, legacy or segwit. */
export interface Transaction {
  /** nVersion (signed). */
  version: number;
  /** Inputs. */
  inputs: TxInput[];
  /** Outputs. */
  outputs: TxOutput[];
  /** nLockTime. */
  lockTime: number;
}

/** Smallest possible input: 32 + 4 + 1 + 4 bytes. */
const MIN_INPUT_SIZE = 41;
/** Smallest possible output: 8 + 1 bytes. */
const MIN_OUTPUT_SIZE = 9;
/** Smallest possible transaction: version, two empty counts, lock time. */
export const MIN_TRANSACTION_SIZE = 10;
/** Largest block or transaction a peer may send (MAX_BLOCK_SERIALIZED_SIZE). */
export const MAX_BLOCK_SERIALIZED_SIZE = 4_000_000;

const NO_WITNESS: readonly Uint8Array[] = Object.freeze([]);

/*
 * Decoded records are built by constructors, not object literals. V8 tracks
 * literals through allocation sites and, when a large block keeps them alive
 * across scavenges, starts allocating them in old space ("pretenuring"); a
 * process then decodes blocks at half speed until it changes its mind, which
 * is what made block throughput swing between ~290 and ~550 MB/s from one
 * process to the next. Constructor calls carry no allocation site.
 */
class Input implements TxInput {
  txid: Uint8Array;
  vout: number;
  script: Uint8Array;
  sequence: number;
  witness: readonly Uint8Array[];
  constructor(txid: Uint8Array, vout: number, script: Uint8Array, sequence: number) {
    this.txid = txid;
    this.vout = vout;
    this.script = script;
    this.sequence = sequence;
    this.witness = NO_WITNESS;
  }
}

class Output implements TxOutput {
  value: bigint;
  script: Uint8Array;
  constructor(value: bigint, script: Uint8Array) {
    this.value = value;
    this.script = script;
  }
}

class Tx implements Transaction {
  version: number;
  inputs: TxInput[];
  outputs: TxOutput[];
  lockTime: number;
  constructor(version: number, inputs: TxInput[], outputs: TxOutput[], lockTime: number) {
    this.version = version;
    this.inputs = inputs;
    this.outputs = outputs;
    this.lockTime = lockTime;
  }
}

/**
 * Read a transaction in either serialization, following Bitcoin Core's
 * rules: marker 0x00 then flag; a witness flag with only empty witnesses
 * ("superfluous witness record") and unknown flag bits are malformed.
 */
export function readTransaction(r: ByteReader): Transaction {
  const version = r.i32le();
  let nIn = r.count(Number.MAX_SAFE_INTEGER, MIN_INPUT_SIZE, 'input');
  let flags = 0;
  if (nIn === 0) {
    flags = r.u8();
    if (flags !== 0) nIn = r.count(Number.MAX_SAFE_INTEGER, MIN_INPUT_SIZE, 'input');
  }
  const inputs = new Array<TxInput>(nIn);
  for (let i = 0; i < nIn; i++) {
    inputs[i] = new Input(r.hash(), r.u32le(), r.script(), r.u32le());
  }
  const nOut = r.count(Number.MAX_SAFE_INTEGER, MIN_OUTPUT_SIZE, 'output');
  const outputs = new Array<TxOutput>(nOut);
  for (let i = 0; i < nOut; i++) outputs[i] = new Output(r.i64le(), r.script());
  if (flags & 1) {
    flags ^= 1;
    let witnessed = false;
    for (let i = 0; i < nIn; i++) {
      const n = r.count(Number.MAX_SAFE_INTEGER, 1, 'witness item');
      if (n === 0) continue;
      witnessed = true;
      const stack = new Array<Uint8Array>(n);
      for (let j = 0; j < n; j++) stack[j] = r.script();
      inputs[i]!.witness = stack;
    }
    if (!witnessed) r.fail('superfluous witness record');
  }
  if (flags !== 0) r.fail(`unknown transaction optional data (flags ${flags})`);
  return new Tx(version, inputs, outputs, r.u32le());
}

/** Whether any input carries witness data. */
export function hasWitness(tx: Transaction): boolean {
  return tx.inputs.some((i) => i.witness.length > 0);
}

/**
 * Write a transaction; the segwit form is used when `witness` is true and
 * some input has witness data.
 */
export function writeTransaction(w: ByteWriter, tx: Transaction, witness = true): void {
  const segwit = witness && hasWitness(tx);
  w.i32le(tx.version);
  if (segwit) w.u8(0).u8(1);
  w.varint(tx.inputs.length);
  for (const i of tx.inputs) w.hash(i.txid).u32le(i.vout).varBytes(i.script).u32le(i.sequence);
  w.varint(tx.outputs.length);
  for (const o of tx.outputs) w.i64le(o.value).varBytes(o.script);
  if (segwit) {
    for (const i of tx.inputs) {
      w.varint(i.witness.length);
      for (const item of i.witness) w.varBytes(item);
    }
  }
  w.u32le(tx.lockTime);
}

/** Serialize a transaction (with witness data when present). */
export function encodeTransaction(tx: Transaction, witness = true): Uint8Array {
  return withWriter((w) => {
    writeTransaction(w, tx, witness);
    return w.copy();
  });
}

/** The txid: hash256 of the serialization without witness, wire order. */
export function txid(tx: Transaction): Uint8Array {
  return withWriter((w) => {
    writeTransaction(w, tx, false);
    return sha256d(w.finish());
  });
}

/** The wtxid (BIP141): hash256 of the full serialization, wire order. */
export function wtxid(tx: Transaction): Uint8Array {
  return withWriter((w) => {
    writeTransaction(w, tx, true);
    return sha256d(w.finish());
  });
}
