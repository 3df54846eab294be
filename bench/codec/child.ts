/**
 * One implementation, one workload, in a process of its own:
 * `node child.js CODEC WORKLOAD ROUNDS` prints `{ decode, encode }` round
 * times as JSON (null where the implementation lacks the message).
 */
import { loadCodec, type CodecName } from './registry.js';
import { timeRounds } from './rounds.js';
import { buildStream, type Workload } from './workloads.js';

const [name, workload, rounds] = process.argv.slice(2) as [CodecName, Workload, string];
const codec = await loadCodec(name);
const stream = buildStream(workload);
const n = stream.frames.length;
const decode = codec.decodes.includes(workload) ? timeRounds(codec.decoder(stream, workload), Number(rounds), n).ms : null;
const encode = codec.encodes.includes(workload) ? timeRounds(codec.encoder(stream, workload), Number(rounds), stream.bytes).ms : null;
process.stdout.write(JSON.stringify({ decode, encode }) + '\n');
