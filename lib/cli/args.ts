import { endpointKey, parseEndpoint } from '../pool/endpoint.js';
import { parseArgs } from 'node:util';
import type { Checkpoint } from '../chain/params.js';
import { findNetwork, type Network } from '../wire/networks.js';
import type { HeadersCommand } from './headers-command.js';
import type { WatchCommand } from './watch-command.js';
import type { AddressCommand } from './address-command.js';
import type { SendCommand } from './send-command.js';
import type { FollowCommand } from './follow-command.js';

/** The usage text. */
export const USAGE = `rxbtc — talk to Bitcoin peers from the terminal

Usage:
  rxbtc connect HOST[:PORT] [--network NAME] [--proxy socks5://HOST:PORT] [--transport v2|v1|auto] [--json]
  rxbtc listen [--port PORT] [--host HOST] [--network NAME] [--json]
  rxbtc headers [HOST[:PORT]...] [--checkpoint HEIGHT:HASH] [--peers N] [--dns-seed] [--network NAME]
              [--datadir DIR] [--json]
  rxbtc watch [HOST[:PORT]...] [--address ADDR...] [--script HEX...] [--descriptor D...] [--gap-limit N]
              [--method bip158|bip37|auto] [--from HEIGHT] [--checkpoint HEIGHT:HASH] [--once] [--peers N]
              [--dns-seed] [--network NAME] [--datadir DIR] [--json]
  rxbtc address --descriptor D [--index I | --next] [--change] [--network NAME] [--datadir DIR] [--json]
  rxbtc send TXHEX HOST[:PORT]... [--timeout SECONDS] [--network NAME] [--json]
  rxbtc follow HOST[:PORT]... [--mempool-mb N] [--network NAME] [--json]
  rxbtc bridge --allow HOST:PORT... [--port PORT] [--host HOST] [--origin URL...] [--max-per-ip N] [--json]
  rxbtc --help | --version

connect and listen print the handshake, then every message received, one
line each (JSON lines with --json), with ping latency. Ctrl-C disconnects.

headers, watch, follow and send keep their peers through a pool: a peer that
goes away is redialled (1 s later, doubling to 10 s) for as long as they run,
and with none left they wait ("disconnected", "waiting", then "connected"
lines), never exit. They exit 1 only when no named peer could ever serve them
(each banned, on another network, or on a chain that fails validation).
Ctrl-C or SIGTERM ends them with status 0.

headers downloads and verifies the block headers of the peers' best chain
(proof of work, retargets, timestamps, checkpoints) through a pool of peers:
the best one first, the next when one fails or stalls; a peer serving invalid
headers is banned (a "banned" line). It ends with a "synced" line; with
--datadir it keeps them in DIR/NETWORK-headers.dat and resumes from there.

watch follows the chain and prints one line per change to a transaction
paying (or spending from) the addresses and scripts: mempool, confirmed (with
a verified proof), reorged. auto uses BIP158 compact filters when a peer
offers them, else BIP37 bloom filters; --from rescans from a height (a
wallet's birthday). On mainnet, testnet4 and signet --from also starts the
header chain at the built-in checkpoint at or below it (headers and filter
headers only from there, not from genesis); --checkpoint HEIGHT:HASH starts
it at a block you trust on any network, regtest included. With --datadir it keeps the chain, the filter headers and the wallet there
(DIR/NETWORK-headers.dat, -filter-headers.dat, -wallet/): a later run goes
on where it stopped (no --from, no --address needed; nothing told twice, bar the last one after a kill -9, a
block reorganised away meanwhile reported). Without it, on exit it says how
far every block was checked and the --from to go on with. --descriptor
watches an HD wallet (an output descriptor such as wpkh(tpub…/<0;1>/*)):
each keychain derived --gap-limit addresses (default 20) past the last one
paid, more as payments are found; tx lines say the keychain and index, and
a "balance" line follows every change of the balance once caught up.

address prints a descriptor's address at --index (default 0), or with --next
the first one after the last paid in the --datadir wallet; --change for the
change keychain of a <0;1> descriptor.

send announces a signed transaction (hex) to the peers and serves it to those
that ask: a "sent" line, one "requested" line per peer that fetched it, exit
status 1 when none did within --timeout seconds (default 30) or before Ctrl-C.

follow prints every transaction the peers relay (kept in a mempool view of
--mempool-mb megabytes, default 32, oldest out first; peers that advertise
NODE_BLOOM are first asked for what they hold, BIP35) and every new block,
rebuilt from that view through BIP152 compact blocks where the peers offer
them: how many transactions came from the mempool, how many were asked for,
the bytes received. Ctrl-C stops it.

bridge relays WebSocket ↔ TCP for pages in a browser (ws://HOST:PORT/TARGET),
only to the --allow targets, only for pages of the --origin origins when given,
at most --max-per-ip connections per address (default 4); refusals are logged.

Options:
  --network NAME   mainnet (default), testnet3, testnet4, signet or regtest
  --proxy URL      connect through a SOCKS5 proxy such as Tor (hostnames resolved by the proxy)
  --transport T    connect: v2 (BIP324 encryption), v1, or auto (default: v2, then v1 once if the
                   remote drops the key exchange); listen serves v1 and v2 on one port
  --allow T        bridge: a HOST:PORT a browser may reach (repeatable); --origin URL limits pages
  --port PORT      listen port (bridge: default 8080) (default: the network's port; 0 picks a free one)
  --host HOST      listen address (default 127.0.0.1)
  --peers N        headers, watch: peers to keep connected through the pool (default: one per HOST
                   up to 8, 8 with --dns-seed)
  --dns-seed       headers, watch: also find peers through the network's DNS seeds and addr messages
  --datadir DIR    where headers and watch keep the verified chain, filter headers and wallet
                   (default: memory only)
  --address ADDR   an address to watch (repeatable); --script HEX for any output script
  --method M       bip158, bip37 or auto (default auto)
  --from HEIGHT    rescan from this height (default 0; with --datadir, only for a new wallet
                   or new addresses); on mainnet, testnet4 and signet the chain starts at the
                   built-in checkpoint at or below it
  --once           watch: exit once every block up to the peers' height is checked (a recovery),
                   waiting for peers that went away
  --checkpoint H:HASH  headers, watch: start a new chain at block HASH, height H (trusted; its header
                   is fetched from the peers and must hash to it)
  --descriptor D   watch, address: an output descriptor (repeatable for watch; checksum optional)
  --gap-limit N    watch: addresses derived past the last one paid (default 20)
  --index I        address: the derivation index (default 0)
  --next           address: the first index after the last paid (needs --datadir of a watch)
  --change         address: the change keychain
  --timeout S      send: seconds to wait for peers to fetch the transaction (default 30)
  --mempool-mb N   follow: megabytes of transactions kept (default 32)
  --json           JSON lines instead of text
`;

/** A command line that failed to parse; the message says why. */
export class UsageError extends Error {
  /** @param message - what is wrong */
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A parsed command line. */
export type CliCommand =
  | { kind: 'help' }
  | { kind: 'version' }
  | {
      kind: 'connect';
      host: string;
      port: number;
      network: Network;
      proxy: string | undefined;
      json: boolean;
      transport: 'auto' | 'v2' | 'v1';
    }
  | { kind: 'listen'; host: string; port: number; network: Network; json: boolean }
  | { kind: 'bridge'; host: string; port: number; allow: string[]; origins: string[]; maxPerIp: number | undefined; json: boolean }
  | ({ kind: 'headers' } & HeadersCommand)
  | ({ kind: 'watch' } & WatchCommand)
  | ({ kind: 'address' } & AddressCommand)
  | ({ kind: 'send' } & SendCommand)
  | ({ kind: 'follow' } & FollowCommand);

function parsePort(text: string, allowZero = false): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < (allowZero ? 0 : 1) || port > 65535) throw new UsageError(`not a TCP port: ${text}`);
  return port;
}

/** `--peers N`: 1 to 125, or undefined when absent. */
function parsePeers(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(Number.isSafeInteger(n) && n >= 1 && n <= 125)) throw new UsageError(`--peers takes a number of peers from 1 to 125: ${text}`);
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

/** `HEIGHT:HASH` (a block hash in display hex) as a checkpoint. */
export function parseCheckpoint(text: string): Checkpoint {
  const m = /^(\d{1,9}):([0-9a-fA-F]{64})$/.exec(text);
  if (!m) throw new UsageError(`--checkpoint takes HEIGHT:HASH (a 64-digit block hash): ${text}`);
  return { height: Number(m[1]), hash: m[2]!.toLowerCase() };
}

/**
 * Parse `rxbtc` arguments (without `node` and the script) with Node's
 * `util.parseArgs`.
 * @throws UsageError for unknown options, a missing host, a bad port or network
 */
export function parseCli(argv: readonly string[]): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        network: { type: 'string', default: 'mainnet' },
        proxy: { type: 'string' },
        transport: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        datadir: { type: 'string' },
        address: { type: 'string', multiple: true, default: [] },
        script: { type: 'string', multiple: true, default: [] },
        method: { type: 'string', default: 'auto' },
        from: { type: 'string' },
        checkpoint: { type: 'string' },
        once: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        peers: { type: 'string' },
        allow: { type: 'string', multiple: true, default: [] },
        origin: { type: 'string', multiple: true, default: [] },
        'max-per-ip': { type: 'string' },
        'dns-seed': { type: 'boolean', default: false },
        descriptor: { type: 'string', multiple: true, default: [] },
        'gap-limit': { type: 'string' },
        index: { type: 'string' },
        next: { type: 'boolean', default: false },
        change: { type: 'boolean', default: false },
        timeout: { type: 'string' },
        'mempool-mb': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.datadir !== undefined && !['headers', 'watch', 'address'].includes(positionals[0] ?? ''))
    throw new UsageError('--datadir is for headers, watch and address');
  if (values.version) return { kind: 'version' };
  const network = findNetwork(values.network);
  if (!network) throw new UsageError(`unknown network ${values.network}: use mainnet, testnet3, testnet4, signet or regtest`);
  const [command, target, ...rest] = positionals;
  if (values.once && command !== 'watch') throw new UsageError('--once is for watch');
  if (values.checkpoint !== undefined && command !== 'headers' && command !== 'watch')
    throw new UsageError('--checkpoint is for headers and watch');
  const checkpoint = values.checkpoint === undefined ? undefined : parseCheckpoint(values.checkpoint);
  if (values.transport !== undefined && command !== 'connect') throw new UsageError('--transport is for connect (listen serves v1 and v2)');
  switch (command) {
    case 'connect': {
      if (!target) throw new UsageError('connect needs HOST[:PORT]');
      if (rest.length) throw new UsageError(`unexpected argument ${rest[0]}`);
      if (values.port !== undefined) throw new UsageError('--port is for listen; write connect HOST:PORT');
      const transport = values.transport ?? 'auto';
      if (transport !== 'auto' && transport !== 'v2' && transport !== 'v1')
        throw new UsageError(`--transport must be v2, v1 or auto, got ${transport}`);
      return { kind: 'connect', ...parseHostPort(target, network.port), network, proxy: values.proxy, json: values.json, transport };
    }
    case 'bridge': {
      if (target) throw new UsageError(`unexpected argument ${target}`);
      if (values.allow.length === 0) throw new UsageError('bridge needs at least one --allow HOST:PORT (it is never an open proxy)');
      const allow = values.allow.map((a) => {
        const e = parseHostPort(a, 0);
        if (e.port === 0) throw new UsageError(`--allow needs HOST:PORT: ${a}`);
        return endpointKey(e);
      });
      return {
        kind: 'bridge',
        host: values.host,
        port: values.port === undefined ? 8080 : parsePort(values.port, true),
        allow,
        origins: values.origin,
        maxPerIp: parsePeers(values['max-per-ip']),
        json: values.json,
      };
    }
    case 'listen':
      if (target) throw new UsageError(`unexpected argument ${target}`);
      if (values.proxy !== undefined) throw new UsageError('--proxy is for connect');
      return {
        kind: 'listen',
        host: values.host,
        port: values.port === undefined ? network.port : parsePort(values.port, true),
        network,
        json: values.json,
      };
    case 'headers': {
      if (!target && !values['dns-seed']) throw new UsageError('headers needs at least one HOST[:PORT], or --dns-seed');
      const outbound = parsePeers(values.peers);
      if (values.port !== undefined || values.proxy !== undefined)
        throw new UsageError('headers takes HOST:PORT arguments, not --port or --proxy');
      return {
        kind: 'headers',
        peers: (target ? [target, ...rest] : []).map((t) => parseHostPort(t, network.port)),
        outbound,
        dnsSeed: values['dns-seed'],
        network,
        datadir: values.datadir,
        json: values.json,
        checkpoint,
      };
    }
    case 'watch': {
      if (!target && !values['dns-seed']) throw new UsageError('watch needs at least one HOST[:PORT], or --dns-seed');
      if (values.address.length + values.script.length + values.descriptor.length === 0 && values.datadir === undefined)
        throw new UsageError('watch needs --address, --script or --descriptor (or a --datadir that holds a wallet)');
      const gapLimit = values['gap-limit'] === undefined ? undefined : Number(values['gap-limit']);
      if (gapLimit !== undefined && !(Number.isSafeInteger(gapLimit) && gapLimit >= 1 && gapLimit <= 10_000))
        throw new UsageError(`--gap-limit takes a number from 1 to 10000: ${values['gap-limit']}`);
      if (!['bip158', 'bip37', 'auto'].includes(values.method))
        throw new UsageError(`--method is bip158, bip37 or auto, not ${values.method}`);
      for (const s of values.script) if (!/^([0-9a-f]{2})+$/i.test(s)) throw new UsageError(`--script takes hex: ${s}`);
      const from = values.from === undefined ? undefined : Number(values.from);
      if (from !== undefined && (!Number.isSafeInteger(from) || from < 0)) throw new UsageError(`--from takes a height: ${values.from}`);
      return {
        kind: 'watch',
        peers: (target ? [target, ...rest] : []).map((t) => parseHostPort(t, network.port)),
        outbound: parsePeers(values.peers),
        dnsSeed: values['dns-seed'],
        network,
        datadir: values.datadir,
        json: values.json,
        addresses: values.address,
        scripts: values.script,
        method: values.method as 'bip158' | 'bip37' | 'auto',
        from,
        checkpoint,
        once: values.once,
        descriptors: values.descriptor,
        gapLimit,
      };
    }
    case 'address': {
      if (target) throw new UsageError(`unexpected argument ${target}`);
      if (values.descriptor.length !== 1) throw new UsageError('address needs one --descriptor');
      if (values.next && values.index !== undefined) throw new UsageError('--index and --next exclude each other');
      if (values.next && values.datadir === undefined) throw new UsageError('--next needs the --datadir of a watch of this descriptor');
      const index = values.index === undefined ? undefined : Number(values.index);
      if (index !== undefined && !(/^\d+$/.test(values.index!) && index < 0x8000_0000))
        throw new UsageError(`--index takes a number from 0 to 2147483647: ${values.index}`);
      return {
        kind: 'address',
        descriptor: values.descriptor[0]!,
        index,
        next: values.next,
        change: values.change,
        network,
        datadir: values.datadir,
        json: values.json,
      };
    }
    case 'send': {
      if (!target) throw new UsageError('send needs TXHEX and at least one HOST[:PORT]');
      if (rest.length === 0) throw new UsageError('send needs at least one HOST[:PORT] after TXHEX');
      const timeout = values.timeout === undefined ? 30 : Number(values.timeout);
      if (!(timeout > 0 && timeout <= 3600)) throw new UsageError(`--timeout takes seconds from 1 to 3600: ${values.timeout}`);
      return {
        kind: 'send',
        hex: target,
        peers: rest.map((t) => parseHostPort(t, network.port)),
        timeoutMs: timeout * 1000,
        network,
        json: values.json,
      };
    }
    case 'follow': {
      const hosts = [target, ...rest].filter((t): t is string => t !== undefined);
      if (hosts.length === 0) throw new UsageError('follow needs at least one HOST[:PORT]');
      const mb = values['mempool-mb'] === undefined ? undefined : Number(values['mempool-mb']);
      if (mb !== undefined && !(/^\d+$/.test(values['mempool-mb']!) && mb >= 1 && mb <= 4096))
        throw new UsageError(`--mempool-mb takes a number from 1 to 4096: ${values['mempool-mb']}`);
      return {
        kind: 'follow',
        peers: hosts.map((t) => parseHostPort(t, network.port)),
        mempoolBytes: mb === undefined ? undefined : mb * 1024 * 1024,
        network,
        json: values.json,
      };
    }
    case undefined:
      return { kind: 'help' };
    default:
      throw new UsageError(`unknown command ${command}: use connect, listen, headers, watch, address, send, follow or bridge`);
  }
}
