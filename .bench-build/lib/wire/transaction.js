import { sha256d } from './hash.js';
import { ByteWriter } from './writer.js';
/** Smallest possible input: 32 + 4 + 1 + 4 bytes. */
const MIN_INPUT_SIZE = 41;
/** Smallest possible output: 8 + 1 bytes. */
const MIN_OUTPUT_SIZE = 9;
/** Smallest possible transaction: version, two empty counts, lock time. */
export const MIN_TRANSACTION_SIZE = 10;
/** Largest block or transaction a peer may send (MAX_BLOCK_SERIALIZED_SIZE). */
export const MAX_BLOCK_SERIALIZED_SIZE = 4_000_000;
const NO_WITNESS = Object.freeze([]);
/**
 * Read a transaction in either serialization, following Bitcoin Core's
 * rules: marker 0x00 then flag; a witness flag with only empty witnesses
 * ("superfluous witness record") and unknown flag bits are malformed.
 */
export function readTransaction(r) {
    const version = r.i32le();
    let nIn = r.count(Number.MAX_SAFE_INTEGER, MIN_INPUT_SIZE, 'input');
    let flags = 0;
    if (nIn === 0) {
        flags = r.u8();
        if (flags !== 0)
            nIn = r.count(Number.MAX_SAFE_INTEGER, MIN_INPUT_SIZE, 'input');
    }
    const inputs = new Array(nIn);
    for (let i = 0; i < nIn; i++) {
        inputs[i] = { txid: r.hash(), vout: r.u32le(), script: r.script(), sequence: r.u32le(), witness: NO_WITNESS };
    }
    const nOut = r.count(Number.MAX_SAFE_INTEGER, MIN_OUTPUT_SIZE, 'output');
    const outputs = new Array(nOut);
    for (let i = 0; i < nOut; i++)
        outputs[i] = { value: r.i64le(), script: r.script() };
    if (flags & 1) {
        flags ^= 1;
        let any = false;
        for (let i = 0; i < nIn; i++) {
            const n = r.count(Number.MAX_SAFE_INTEGER, 1, 'witness item');
            if (n === 0)
                continue;
            any = true;
            const stack = new Array(n);
            for (let j = 0; j < n; j++)
                stack[j] = r.script();
            inputs[i].witness = stack;
        }
        if (!any)
            r.fail('superfluous witness record');
    }
    if (flags !== 0)
        r.fail(`unknown transaction optional data (flags ${flags})`);
    return { version, inputs, outputs, lockTime: r.u32le() };
}
/** Whether any input carries witness data. */
export function hasWitness(tx) {
    return tx.inputs.some((i) => i.witness.length > 0);
}
/**
 * Write a transaction; the segwit form is used when `witness` is true and
 * some input has witness data.
 */
export function writeTransaction(w, tx, witness = true) {
    const segwit = witness && hasWitness(tx);
    w.i32le(tx.version);
    if (segwit)
        w.u8(0).u8(1);
    w.varint(tx.inputs.length);
    for (const i of tx.inputs)
        w.hash(i.txid).u32le(i.vout).varBytes(i.script).u32le(i.sequence);
    w.varint(tx.outputs.length);
    for (const o of tx.outputs)
        w.i64le(o.value).varBytes(o.script);
    if (segwit) {
        for (const i of tx.inputs) {
            w.varint(i.witness.length);
            for (const item of i.witness)
                w.varBytes(item);
        }
    }
    w.u32le(tx.lockTime);
}
/** Serialize a transaction (with witness data when present). */
export function encodeTransaction(tx, witness = true) {
    const w = new ByteWriter(256);
    writeTransaction(w, tx, witness);
    return w.finish();
}
/** The txid: hash256 of the serialization without witness, wire order. */
export function txid(tx) {
    return sha256d(encodeTransaction(tx, false));
}
/** The wtxid (BIP141): hash256 of the full serialization, wire order. */
export function wtxid(tx) {
    return sha256d(encodeTransaction(tx, true));
}
