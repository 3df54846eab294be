/**
 * The small part of bcoin 1.0.2 (a devDependency without types) that the
 * embedded regtest node, the interop specs and the benchmark use.
 */
declare module 'bcoin' {
  import type { Server } from 'node:net';

  export interface BcoinHashed {
    hash(): Buffer;
    hash(enc: 'hex'): string;
    txid(): string;
    toRaw(): Buffer;
  }
  export interface BcoinTX extends BcoinHashed {
    outputs: { value: number }[];
  }
  export interface BcoinBlock extends BcoinHashed {
    txs: BcoinTX[];
  }
  export interface BcoinChainEntry {
    /** Hex, internal (wire) byte order. */
    hash: string;
    height: number;
    time: number;
  }
  export interface BcoinPeer {
    readonly handshake: boolean;
    readonly agent: string;
    readonly version: number;
    readonly outbound: boolean;
    /** The next peer in the pool's list. */
    readonly next: BcoinPeer | null;
    /** The BIP37 filter the remote loaded (`filterload`), or null. */
    readonly spvFilter: unknown;
    hostname(): string;
    destroy(): void;
    on(event: 'open' | 'close', fn: () => void): void;
    on(event: 'error', fn: (e: Error) => void): void;
  }
  export interface NetAddress {
    /** bcoin's address object (opaque here). */
    readonly host: string;
  }
  export const NetAddress: { fromHostname(hostname: string, network: string): NetAddress };
  export const net: { NetAddress: typeof NetAddress };
  export class Address {
    static fromString(address: string, network: string): Address;
    toString(network: string): string;
  }
  export class KeyRing {
    static generate(): KeyRing;
    static fromPrivate(key: Buffer, compressed?: boolean): KeyRing;
    static fromPublic(key: Buffer): KeyRing;
    /** Pay to the witness program (P2WPKH) rather than P2PKH. */
    witness: boolean;
    /** Nest the witness program in P2SH. */
    nested: boolean;
    getAddress(): Address;
    getAddress(enc: 'string', network: string): string;
  }
  export class HDPublicKey {
    static fromBase58(xkey: string, network: string): HDPublicKey;
    readonly publicKey: Buffer;
    derive(index: number, hardened?: boolean): HDPublicKey;
    xpubkey(network: string): string;
  }
  export class HDPrivateKey {
    static fromSeed(seed: Buffer): HDPrivateKey;
    readonly privateKey: Buffer;
    derive(index: number, hardened?: boolean): HDPrivateKey;
    derivePath(path: string): HDPrivateKey;
    toPublic(): HDPublicKey;
  }
  /** An unspent output bcoin's MTX can spend (opaque here). */
  export interface Coin {
    readonly value: number;
  }
  export const Coin: { fromTX(tx: BcoinTX, index: number, height: number): Coin };
  export const TX: { fromRaw(raw: Buffer): BcoinTX };
  export class Script {
    static fromRaw(raw: Buffer): Script;
    toRaw(): Buffer;
  }
  export class MTX {
    addTX(tx: BcoinTX, index: number, height?: number): void;
    addCoin(coin: Coin): void;
    addOutput(to: Address | Script, value: number): void;
    sign(ring: KeyRing): number;
    toTX(): BcoinTX;
  }
  export interface FullNodeOptions {
    network: string;
    memory?: boolean;
    listen?: boolean;
    host?: string;
    port?: number;
    httpHost?: string;
    httpPort?: number;
    workers?: boolean;
    logLevel?: string;
    logConsole?: boolean;
    compact?: boolean;
    bip37?: boolean;
    selfish?: boolean;
  }
  export class FullNode {
    constructor(options: FullNodeOptions);
    readonly chain: {
      readonly height: number;
      readonly tip: BcoinChainEntry;
      /** Hex, internal (wire) byte order. */
      getHash(height: number): Promise<string | null>;
      getBlock(hash: string): Promise<BcoinBlock | null>;
      getEntryByHeight(height: number): Promise<BcoinChainEntry | null>;
      on(event: 'block', fn: (block: BcoinBlock, entry: BcoinChainEntry) => void): void;
    };
    readonly pool: {
      server: Server | null;
      peers: { add(peer: BcoinPeer): void; head(): BcoinPeer | null };
      createOutbound(addr: NetAddress): BcoinPeer;
      discoverExternal(): Promise<void>;
      discoverGateway(): Promise<boolean>;
      discoverSeeds(checkPeers?: boolean): Promise<void>;
    };
    readonly rpc: { mineBlocks(n: number, address: Address | null): Promise<string[]> };
    readonly mempool: { readonly map: Map<string, unknown>; hasEntry(hash: string): boolean };
    open(): Promise<void>;
    connect(): Promise<void>;
    /** Start downloading the chain from outbound peers. */
    startSync(): void;
    disconnect(): Promise<void>;
    close(): Promise<void>;
    sendTX(tx: BcoinTX): Promise<void>;
    on(event: 'error', fn: (e: Error) => void): void;
  }
}
