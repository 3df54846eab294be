import type { Checkpoint } from '../chain/params.js';
import { parseEndpoint } from '../pool/endpoint.js';
import { findNetwork, type Network } from '../wire/networks.js';
import { UsageError } from './usage-error.js';

/** The network named by `--network`. @throws UsageError for an unknown name */
export function networkNamed(name: string): Network {
  const network = findNetwork(name);
  if (!network) throw new UsageError(`unknown network ${name}: use mainnet, testnet3, testnet4, signet or regtest`);
  return network;
}

/** A TCP port (0 too when `allowZero`: the system picks one). @throws UsageError */
export function parsePort(text: string, allowZero = false): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < (allowZero ? 0 : 1) || port > 65535) throw new UsageError(`not a TCP port: ${text}`);
  return port;
}

/** `--peers N` (and `--max-per-ip N`): 1 to 125, or undefined when absent. @throws UsageError */
export function parsePeers(text: string | undefined, option = '--peers'): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(Number.isSafeInteger(n) && n >= 1 && n <= 125)) throw new UsageError(`${option} takes a number of peers from 1 to 125: ${text}`);
  return n;
}

/** Split `HOST`, `HOST:PORT`, `[IPv6]` or `[IPv6]:PORT` ({@link parseEndpoint}), as a usage error when malformed. */
export function parseHostPort(target: string, defaultPort: number): { host: string; port: number } {
  try {
    return parseEndpoint(target, defaultPort);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** `HEIGHT:HASH` (a block hash in display hex) as a checkpoint. @throws UsageError */
export function parseCheckpoint(text: string): Checkpoint {
  const m = /^(\d{1,9}):([0-9a-fA-F]{64})$/.exec(text);
  if (!m) throw new UsageError(`--checkpoint takes HEIGHT:HASH (a 64-digit block hash): ${text}`);
  return { height: Number(m[1]), hash: m[2]!.toLowerCase() };
}

/** Refuse positionals beyond those a command takes. @throws UsageError */
export function noMore(rest: readonly string[]): void {
  if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0]}`);
}

/** What `headers`, `watch` and `notify` read alike: the peers named and the pool's options, the network, the folder, the output. */
export interface ChainPeerValues {
  'dns-seed': boolean;
  peers?: string | undefined;
  network: string;
  datadir?: string | undefined;
  json: boolean;
  checkpoint?: string | undefined;
}

/**
 * Parse the options `headers`, `watch` and `notify` share.
 * @param kind - the command, for its usage errors
 * @throws UsageError
 */
export function parseChainPeers(kind: string, values: ChainPeerValues, positionals: readonly string[]) {
  if (positionals.length === 0 && !values['dns-seed']) throw new UsageError(`${kind} needs at least one HOST[:PORT], or --dns-seed`);
  const network = networkNamed(values.network);
  return {
    peers: positionals.map((t) => parseHostPort(t, network.port)),
    outbound: parsePeers(values.peers),
    dnsSeed: values['dns-seed'],
    network,
    datadir: values.datadir,
    json: values.json,
    checkpoint: values.checkpoint === undefined ? undefined : parseCheckpoint(values.checkpoint),
  };
}

/** `--method` of `watch` and `notify`. @throws UsageError */
export function parseMethod(text: string): 'bip158' | 'bip37' | 'auto' {
  if (text !== 'bip158' && text !== 'bip37' && text !== 'auto') throw new UsageError(`--method is bip158, bip37 or auto, not ${text}`);
  return text;
}
