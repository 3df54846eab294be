import { filter, firstValueFrom } from 'rxjs';
import {
  ByteReader,
  MruSet,
  connectTcp,
  createHeaderChain,
  createPeer,
  hashFromHex,
  listenTcp,
  networks,
  readBlockHeader,
  serveHeaders,
  sha256d,
  syncHeaders,
  type BlockHeader,
  type HeaderChain,
} from '../lib/index.js';
import { spread } from './codec/rounds.js';
import { readTestdata } from './testdata.js';

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Mine `n` regtest headers on genesis (0x207fffff: about two tries each). */
function regtestHeaders(n: number): BlockHeader[] {
  const out: BlockHeader[] = [];
  let prev = hashFromHex(networks.regtest.genesisHash);
  const raw = new Uint8Array(80);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < n; i++) {
    const time = 1_296_688_602 + (i + 1) * 60;
    raw.set(prev, 4);
    view.setUint32(68, time, true);
    view.setUint32(72, 0x207fffff, true);
    view.setInt32(0, 0x20000000, true);
    for (let nonce = 0; ; nonce++) {
      view.setUint32(76, nonce, true);
      const hash = sha256d(raw);
      if (hash[31]! < 0x80) {
        out.push(readBlockHeader(new ByteReader(raw.slice())));
        prev = hash;
        break;
      }
    }
  }
  return out;
}

async function addAll(chain: HeaderChain, list: readonly BlockHeader[]): Promise<void> {
  for (let i = 0; i < list.length; i += 2000) await chain.add(list.slice(i, i + 2000));
}

/**
 * Header-chain bench: (1) validation of the 8,064 real mainnet headers from
 * 822,528 (proof of work, retargets, timestamps, checkpoints) against the bare
 * double-SHA-256 rate of the same 80-byte inputs in the same run (target ≥
 * 50 %); (2) 100,000 regtest headers synced from an rxbtc peer over loopback
 * TCP (target < 3 s).
 */
export async function runChain(rounds: number): Promise<{ met: boolean; line: string }[]> {
  const raw = readTestdata('headers-822528-830592.bin');
  const headers: BlockHeader[] = [];
  const records: Uint8Array[] = [];
  for (let off = 0; off < raw.length; off += 80) {
    const r = new Uint8Array(raw.subarray(off, off + 80));
    records.push(r);
    headers.push(readBlockHeader(new ByteReader(r)));
  }
  const rest = headers.slice(1);
  const hashMs: number[] = [];
  const validateMs: number[] = [];
  const REPEAT = 5; // each round hashes, and validates, the 8,064 headers five times: ~50 ms, long enough to time
  for (let round = -2; round < rounds; round++) {
    let t = performance.now();
    for (let k = 0; k < REPEAT; k++) for (const r of records) sha256d(r);
    if (round >= 0) hashMs.push(performance.now() - t);
    t = performance.now();
    for (let k = 0; k < REPEAT; k++) {
      const chain = createHeaderChain({ network: networks.mainnet, checkpoint: { height: 822_528, header: headers[0]! } });
      await addAll(chain, rest);
      if (chain.height !== 830_592) throw new Error('validation bench did not reach 830,592');
    }
    if (round >= 0) validateMs.push(performance.now() - t);
  }
  const bare = spread({ ms: hashMs }, records.length * REPEAT);
  const valid = spread({ ms: validateMs }, rest.length * REPEAT);
  console.log(`\nheader chain — ${rounds} rounds, min / median / max`);
  console.table({
    'sha256d of 80-byte headers (bare)': { 'headers/s': `${fmt(bare.min)} / ${fmt(bare.median)} / ${fmt(bare.max)}` },
    'validate (PoW + context), 8,064 mainnet': { 'headers/s': `${fmt(valid.min)} / ${fmt(valid.median)} / ${fmt(valid.max)}` },
  });

  const regtest = regtestHeaders(100_000);
  const served = createHeaderChain({ network: networks.regtest });
  await addAll(served, regtest);
  const listener = await listenTcp({ port: 0 });
  listener.connections$.subscribe((c) =>
    serveHeaders(createPeer(c, { network: networks.regtest, inbound: true, sentNonces: new MruSet(50) }), served),
  );
  const syncMs: number[] = [];
  for (let round = 0; round < Math.max(3, Math.min(rounds, 5)); round++) {
    const t = performance.now();
    const peer = createPeer(await connectTcp({ host: '127.0.0.1', port: listener.port }), {
      network: networks.regtest,
      sentNonces: new MruSet(50),
    });
    const chain = createHeaderChain({ network: networks.regtest });
    await firstValueFrom(syncHeaders(peer, chain).pipe(filter((p) => p.synced)));
    syncMs.push(performance.now() - t);
    peer.disconnect();
    if (chain.height !== 100_000) throw new Error('sync bench did not reach 100,000');
  }
  await listener.close();
  const sorted = [...syncMs].sort((a, b) => a - b);
  console.log(
    `100,000 regtest headers synced from an rxbtc peer over loopback TCP: ${sorted.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')}`,
  );
  const ratio = valid.median / bare.median;
  return [
    {
      met: ratio >= 0.5,
      line: `validation ${(100 * ratio).toFixed(0)} % of the bare sha256d rate (medians; slowest rounds ${((100 * valid.min) / bare.min).toFixed(0)} %; target ≥ 50 %)`,
    },
    {
      met: sorted[sorted.length - 1]! < 3000,
      line: `100,000 headers synced in ${(sorted[sorted.length - 1]! / 1000).toFixed(2)} s at worst (target < 3 s)`,
    },
  ];
}
