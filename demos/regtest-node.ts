import { createServer } from 'node:net';
import type { Address, BcoinPeer, BcoinTX, FullNode, KeyRing } from 'bcoin';

/** A bcoin regtest full node running in memory inside this process, listening on 127.0.0.1 only. */
export interface RegtestNode {
  /** Its P2P port on 127.0.0.1. */
  readonly port: number;
  /** Its best height. */
  readonly height: number;
  /** The bcoin node itself, for anything not wrapped here. */
  readonly node: FullNode;
  /** Mine `n` blocks paying to the node's own key; resolves with their hashes in wire (internal) byte order. */
  mine(n: number): Promise<Uint8Array[]>;
  /** The hash of the block at `height`, wire byte order. */
  blockHash(height: number): Promise<Uint8Array>;
  /** The raw serialized block at `height` (witness serialization). */
  rawBlock(height: number): Promise<Uint8Array>;
  /**
   * Spend the next matured coinbase (needs ≥ 101 blocks) to a fresh output
   * and submit it to the mempool, which announces it to connected peers.
   * Resolves with its txid, wire byte order.
   */
  sendTransaction(): Promise<Uint8Array>;
  /**
   * Like `sendTransaction`, but paying `value` satoshis to each raw output
   * script (any script: P2PKH, P2WPKH, P2TR…), the rest back to the node.
   */
  pay(outputs: readonly { script: Uint8Array; value: number }[]): Promise<Uint8Array>;
  /** Like `pay`, but only build and sign the transaction: it is not sent (the next `pay` spends the next coinbase). */
  signPayment(outputs: readonly { script: Uint8Array; value: number }[]): Promise<BcoinTX>;
  /** Resolve once at least `n` peers have completed the handshake with the node (polls; rejects after `timeoutMs`). */
  waitForPeers(n: number, timeoutMs?: number): Promise<void>;
  /** Make bcoin dial `127.0.0.1:port` (an outbound connection from bcoin's side). */
  dial(port: number): BcoinPeer;
  /** Stop the node and release its ports. */
  close(): Promise<void>;
}

/** Options of {@link startRegtestNode}. */
export interface RegtestNodeOptions {
  /** Blocks to mine before resolving. @default 0 */
  blocks?: number;
  /** Loopback address to listen on (127.0.0.0/8: 127.2.0.1 is another /16 netgroup than 127.1.0.1). @default '127.0.0.1' */
  host?: string;
}

const hexBytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));

/** A free TCP port on 127.0.0.1 (bcoin refuses port 0). */
async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Start a bcoin 1.0.2 regtest full node in memory on 127.0.0.1: no
 * configuration, no files, no traffic beyond loopback (bcoin's external-IP
 * lookup, UPnP and DNS-seed discovery are switched off). Needs
 * `NODE_BACKEND=js` on Node 20, which this sets before loading bcoin.
 */
export async function startRegtestNode(options: RegtestNodeOptions = {}): Promise<RegtestNode> {
  process.env['NODE_BACKEND'] ??= 'js';
  const loaded: unknown = await import('bcoin');
  // ESM sees CommonJS bcoin as `default`; jest's CommonJS transform sees it bare.
  type Bcoin = typeof import('bcoin');
  const bcoin = ((loaded as { default?: Bcoin }).default ?? loaded) as Bcoin;
  const host = options.host ?? '127.0.0.1';
  const port = await freePort(host);
  const node = new bcoin.FullNode({
    network: 'regtest',
    memory: true,
    listen: true,
    host,
    port,
    httpHost: '127.0.0.1',
    httpPort: await freePort(),
    workers: false,
    bip37: true, // serve BIP37 bloom filters and merkle blocks (NODE_BLOOM)
    logLevel: 'none',
    logConsole: false,
  });
  // Never look beyond loopback: bcoin would ask public DNS for our external IP.
  node.pool.discoverExternal = () => Promise.resolve(undefined);
  node.pool.discoverGateway = () => Promise.resolve(false);
  node.pool.discoverSeeds = () => Promise.resolve(undefined);
  node.on('error', () => undefined);
  await node.open();
  await node.connect();

  const key: KeyRing = bcoin.KeyRing.generate();
  const address: Address = key.getAddress();
  let nextCoinbase = 1;

  const hashAt = async (height: number): Promise<string> => {
    const hash = await node.chain.getHash(height);
    if (!hash) throw new RangeError(`no block at height ${height}`);
    return hash;
  };

  const regtest: RegtestNode = {
    port,
    node,
    get height() {
      return node.chain.height;
    },
    async mine(n) {
      const start = node.chain.height;
      await node.rpc.mineBlocks(n, address);
      const hashes: Uint8Array[] = [];
      for (let h = start + 1; h <= start + n; h++) hashes.push(hexBytes(await hashAt(h)));
      return hashes;
    },
    async blockHash(height) {
      return hexBytes(await hashAt(height));
    },
    async rawBlock(height) {
      const block = await node.chain.getBlock(await hashAt(height));
      if (!block) throw new RangeError(`block ${height} not stored`);
      return new Uint8Array(block.toRaw());
    },
    sendTransaction() {
      return regtest.pay([]);
    },
    async pay(outputs) {
      const tx = await regtest.signPayment(outputs);
      await node.sendTX(tx);
      return new Uint8Array(tx.hash());
    },
    async signPayment(outputs) {
      if (node.chain.height - nextCoinbase < 100) throw new RangeError('no matured coinbase yet: mine at least 101 blocks');
      const block = await node.chain.getBlock(await hashAt(nextCoinbase));
      const coinbase: BcoinTX | undefined = block?.txs[0];
      if (!coinbase) throw new Error(`no coinbase at height ${nextCoinbase}`);
      const mtx = new bcoin.MTX();
      mtx.addTX(coinbase, 0, nextCoinbase);
      let rest = (coinbase.outputs[0]?.value ?? 0) - 10_000;
      for (const o of outputs) {
        mtx.addOutput(bcoin.Script.fromRaw(Buffer.from(o.script)), o.value);
        rest -= o.value;
      }
      mtx.addOutput(address, rest);
      mtx.sign(key);
      nextCoinbase++;
      return mtx.toTX();
    },
    async waitForPeers(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        let ready = 0;
        for (let p = node.pool.peers.head(); p; p = p.next) if (p.handshake) ready++;
        if (ready >= n) return;
        if (Date.now() > deadline) throw new Error(`only ${ready} of ${n} peers completed the handshake within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    dial(peerPort) {
      const peer = node.pool.createOutbound(bcoin.net.NetAddress.fromHostname(`127.0.0.1:${peerPort}`, 'regtest'));
      node.pool.peers.add(peer);
      return peer;
    },
    async close() {
      await node.disconnect();
      await node.close();
    },
  };
  if (options.blocks) await regtest.mine(options.blocks);
  return regtest;
}
