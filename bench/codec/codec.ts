import type { Stream, Workload } from './workloads.js';

/**
 * One implementation in the codec bench. `decoder` returns a function that
 * decodes a whole stream fed chunk by chunk and returns the number of
 * messages it produced, every message fully decoded (block transactions
 * included). `encoder` returns a function that re-serializes the messages
 * into frames (with the implementation's own message objects, decoded once
 * beforehand) and returns the bytes written.
 */
export interface Codec {
  /** Name in the tables. */
  name: string;
  /** The workloads it can decode (bitcoinjs-lib has no `inv`, for instance). */
  decodes: readonly Workload[];
  /** The workloads it can encode. */
  encodes: readonly Workload[];
  /** Prepare a decoder for one stream. */
  decoder(stream: Stream, workload: Workload): () => number;
  /** Prepare an encoder for one stream. */
  encoder(stream: Stream, workload: Workload): () => number;
}

/**
 * A {@link Codec} from a library's two primitives: decode a whole stream,
 * calling `each` with every decoded message, and encode one such message
 * into a frame.
 */
export function codecOf<M>(
  name: string,
  workloads: readonly Workload[],
  decodeAll: (stream: Stream, each: (m: M) => void) => void,
  encodeOne: (m: M) => Uint8Array,
): Codec {
  return {
    name,
    decodes: workloads,
    encodes: workloads,
    decoder: (stream) => () => {
      let n = 0;
      decodeAll(stream, () => {
        n++;
      });
      return n;
    },
    encoder: (stream) => {
      const all: M[] = [];
      decodeAll(stream, (m) => all.push(m));
      return () => {
        let bytes = 0;
        for (const m of all) bytes += encodeOne(m).length;
        return bytes;
      };
    },
  };
}
