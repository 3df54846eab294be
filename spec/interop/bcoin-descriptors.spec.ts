import { randomBytes } from 'node:crypto';
import type * as Bcoin from 'bcoin';
import { runCli } from '../../lib/cli/main.js';
import {
  ByteReader,
  MruSet,
  WalletView,
  broadcast,
  createPool,
  readTransaction,
  connectTcp,
  type Descriptor,
  createHeaderChain,
  createPeer,
  encodeTransaction,
  hashToHex,
  networks,
  parseDescriptor,
  syncHeaders,
  toHex,
  watch,
  type Keychain,
  type WalletEvent,
} from '../../lib/index.js';
import { capture } from '../helpers/cli-io.js';
import { eventually } from '../helpers/loopback.js';
import { useRegtestNode } from '../helpers/regtest.js';

/**
 * HD wallets against a real bcoin 1.0.2 regtest node: bcoin's own BIP32 derives the same addresses from a tpub as
 * rxbtc's descriptors; bcoin's MTX pays derived addresses (in an order only gap-limit discovery can follow) and
 * spends one of them with the derived private key; `rxbtc send` hands bcoin a transaction it signed.
 */
const network = networks.regtest;
const within = 30_000;
process.env['NODE_BACKEND'] ??= 'js';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const bcoin = require('bcoin') as typeof Bcoin;

const seed = randomBytes(32);
const account = bcoin.HDPrivateKey.fromSeed(seed).derivePath("m/84'/1'/0'");
const tpub = account.toPublic().xpubkey('testnet');
const descriptor = parseDescriptor(`wpkh([00000000/84h/1h/0h]${tpub}/<0;1>/*)`, network);
const gapLimit = 5;
const legacyAccount = bcoin.HDPrivateKey.fromSeed(seed).derivePath("m/44'/1'/0'");
const legacy = parseDescriptor(`pkh(${legacyAccount.toPublic().xpubkey('testnet')}/<0;1>/*)`, network);

describe('descriptors and bcoin', () => {
  const node = useRegtestNode({ blocks: 110 });

  it("derive the addresses bcoin's BIP32 derives from the same tpub (wpkh, pkh, sh(wpkh); receive and change)", () => {
    const pub = bcoin.HDPublicKey.fromBase58(tpub, 'testnet');
    const forms = [
      { text: `wpkh(${tpub}/<0;1>/*)`, witness: true, nested: false },
      { text: `pkh(${tpub}/<0;1>/*)`, witness: false, nested: false },
      { text: `sh(wpkh(${tpub}/<0;1>/*))`, witness: true, nested: true },
    ];
    for (const form of forms) {
      const d = parseDescriptor(form.text);
      for (const [path, keychain] of [
        [0, 'receive'],
        [1, 'change'],
      ] as const) {
        for (let i = 0; i < 8; i++) {
          const ring = bcoin.KeyRing.fromPublic(pub.derive(path).derive(i).publicKey);
          ring.witness = form.witness;
          ring.nested = form.nested;
          expect([form.text, keychain, i, d.addressAt(keychain, i, networks.testnet3)]).toEqual([
            form.text,
            keychain,
            i,
            ring.getAddress('string', 'testnet'),
          ]);
        }
      }
    }
  });

  it('finds payments within the gap limit in an order only discovery follows (BIP37), none beyond it, and a spend', async () => {
    const pay = async (outputs: [Descriptor, Keychain, number, number][]): Promise<string> =>
      hashToHex(await node().pay(outputs.map(([d, k, i, value]) => ({ script: d.scriptAt(k, i), value }))));
    // Receive 0…4 and change 0…4 are derived at first. 6 is found only after 3 derives up to 8, 9 only after 6.
    const first = await pay([[descriptor, 'receive', 6, 100_000]]);
    await node().mine(1); // 111
    const second = await pay([
      [descriptor, 'receive', 3, 200_000],
      [descriptor, 'change', 1, 300_000],
    ]);
    await node().mine(1); // 112
    await pay([[descriptor, 'receive', 20, 5_000_000]]); // beyond every gap
    await node().mine(1); // 113
    const fourth = await pay([
      [descriptor, 'receive', 9, 900_000],
      [legacy, 'receive', 0, 400_000],
    ]);
    await node().mine(1); // 114

    const peer = createPeer(await connectTcp({ host: '127.0.0.1', port: node().port, timeout: within }), {
      network,
      sentNonces: new MruSet(50),
    });
    const chain = createHeaderChain({ network });
    syncHeaders(peer, chain).subscribe({ error: () => undefined });
    await eventually(() => chain.height === 114, within);
    const wallet = new WalletView();
    const events: WalletEvent[] = [];
    let scanned = 0;
    const sub = watch({
      chain,
      source: peer,
      descriptors: [descriptor, legacy],
      gapLimit,
      method: 'bip37',
      from: 111,
      wallet,
      syncChain: false,
      onScanned: (h) => (scanned = h),
    }).subscribe({ next: (e) => events.push(e) });
    await eventually(() => scanned === 114, within);
    const found = events.flatMap((e) =>
      e.received.map((r) => `${r.origin!.descriptor.slice(0, 3)}:${r.origin!.keychain}/${r.origin!.index}@${e.height}`),
    );
    // A transaction found to pay more of the wallet (9 after 6 was found) is told again with all it pays.
    expect([...new Set(found)].sort()).toEqual([
      'pkh:receive/0@114',
      'wpk:change/1@112',
      'wpk:receive/3@112',
      'wpk:receive/6@111',
      'wpk:receive/9@114',
    ]);
    expect(new Set(events.map((e) => e.txid))).toEqual(new Set([first, second, fourth]));
    expect(wallet.balance()).toEqual({ confirmed: 1_900_000n, unconfirmed: 0n });

    // bcoin spends pkh receive/0 with its derived private key (P2PKH: bcoin's regtest has no segwit spends yet at
    // this height): 150,000 away, 240,000 back to pkh change/1.
    const paid = events.find((e) => e.txid === fourth)!;
    const vout = paid.received.find((r) => r.origin!.descriptor === legacy.toString())!.index;
    const mtx = new bcoin.MTX();
    mtx.addCoin(bcoin.Coin.fromTX(bcoin.TX.fromRaw(Buffer.from(encodeTransaction(paid.tx))), vout, 114));
    mtx.addOutput(bcoin.Script.fromRaw(Buffer.from([0x00, 0x14, ...randomBytes(20)])), 150_000);
    mtx.addOutput(bcoin.Script.fromRaw(Buffer.from(legacy.scriptAt('change', 1))), 240_000);
    expect(mtx.sign(bcoin.KeyRing.fromPrivate(legacyAccount.derive(0).derive(0).privateKey, true))).toBe(1);
    const spend = mtx.toTX();
    await node().node.sendTX(spend);
    expect(node().node.mempool.hasEntry(spend.hash('hex'))).toBe(true);
    await eventually(() => events.some((e) => e.status === 'mempool'), within);
    const mempool = events.find((e) => e.status === 'mempool')!;
    expect(mempool.txid).toBe(hashToHex(new Uint8Array(spend.hash())));
    expect(mempool.spent.map((s) => s.outpoint)).toEqual([`${fourth}:${vout}`]);
    expect(mempool.origin).toEqual({ descriptor: legacy.toString(), keychain: 'change', index: 1 });
    expect(wallet.balance()).toEqual({ confirmed: 1_500_000n, unconfirmed: 240_000n });
    await node().mine(1); // 115
    await eventually(() => events.some((e) => e.status === 'confirmed' && e.txid === mempool.txid), within);
    expect(wallet.balance()).toEqual({ confirmed: 1_740_000n, unconfirmed: 0n });
    sub.unsubscribe();
    peer.disconnect();
  });

  it('rxbtc address and rxbtc watch --descriptor: keychain and index on each tx line, then the balance', async () => {
    const io = capture();
    expect(await runCli(['address', '--descriptor', descriptor.toString(), '--index', '9', '--network', 'regtest'], io)).toBe(0);
    expect(io.lines).toEqual([descriptor.addressAt('receive', 9, network)]);
    const cli = capture();
    const args = [
      'watch',
      `127.0.0.1:${node().port}`,
      '--network',
      'regtest',
      '--descriptor',
      descriptor.toString(),
      '--descriptor',
      legacy.toString(),
    ];
    const code = await runCli([...args, '--gap-limit', String(gapLimit), '--method', 'bip37', '--from', '111', '--once', '--json'], cli);
    expect([code, cli.errors]).toEqual([0, []]);
    const lines = cli.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const txs = lines.filter((l) => l['event'] === 'tx');
    expect(txs.map((t) => `${String(t['status'])}:${String(t['keychain'])}/${String(t['index'])}`).sort()).toEqual(
      // Block 114's transaction first pays pkh receive/0, then (once discovery reached it) wpkh receive/9 too: told twice.
      ['confirmed:receive/3', 'confirmed:receive/6', 'confirmed:receive/0', 'confirmed:receive/9', 'confirmed:change/1'].sort(),
    );
    expect(txs.find((t) => t['keychain'] === 'change')!['descriptor']).toBe(legacy.toString());
    const balance = lines.filter((l) => l['event'] === 'balance').at(-1);
    expect(balance).toMatchObject({ confirmed: 1_740_000, unconfirmed: 0, utxos: 5 });
  });

  it('rxbtc send: a transaction bcoin signed enters its mempool; bad input is refused before sending', async () => {
    const tx = await node().signPayment([{ script: descriptor.scriptAt('receive', 4), value: 10_000 }]);
    const io = capture();
    const code = await runCli(
      ['send', toHex(new Uint8Array(tx.toRaw())), `127.0.0.1:${node().port}`, '--network', 'regtest', '--json'],
      io,
    );
    expect([code, io.errors]).toEqual([0, []]);
    const events = io.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.map((e) => e['event'])).toEqual(['sent', 'requested']);
    expect(events[0]).toMatchObject({ txid: tx.txid() });
    await eventually(() => node().node.mempool.hasEntry(tx.hash('hex')), within);

    for (const [bad, why] of [
      ['zz', /not hex/],
      [toHex(new Uint8Array(tx.toRaw())) + '00', /not one whole transaction/],
      ['0200000000' + '01' + '00'.repeat(8) + '00' + '00000000', /no inputs|not a transaction/],
    ] as const) {
      const e = capture();
      expect(await runCli(['send', bad, `127.0.0.1:${node().port}`, '--network', 'regtest'], e)).toBe(2);
      expect(e.errors.join()).toMatch(why);
      expect(e.lines).toEqual([]);
    }
  });
});

describe('broadcast through a pool against bcoin', () => {
  const node = useRegtestNode({ blocks: 101, host: '127.104.0.1' });

  it("broadcast(tx, pool): the pool's announcer hands bcoin a transaction it signed; it enters bcoin's mempool", async () => {
    const tx = await node().signPayment([{ script: legacy.scriptAt('receive', 4), value: 20_000 }]);
    const pool = createPool({ network, connect: [`127.104.0.1:${node().port}`], outbound: 1, backoff: { base: 200, max: 400 } });
    try {
      await eventually(() => pool.peers().length === 1, within);
      const result = await broadcast(readTransaction(new ByteReader(new Uint8Array(tx.toRaw()))), pool, { timeoutMs: within });
      expect(result.txid).toBe(tx.txid());
      expect(result.peers).toEqual([pool.peers()[0]!.peer]);
      await eventually(() => node().node.mempool.hasEntry(tx.hash('hex')), within);
    } finally {
      await pool.close();
    }
  });
});
