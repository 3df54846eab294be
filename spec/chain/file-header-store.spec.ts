import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  StoreError,
  createHeaderChain,
  fileHeaderStore,
  hashFromHex,
  memoryHeaderStore,
  networks,
  type HeaderStore,
} from '../../lib/index.js';
import { headerHash, mineChain } from '../helpers/mine.js';

const network = networks.regtest;
const GENESIS = hashFromHex(network.genesisHash);
const T0 = 1_296_688_602;
const BITS = 0x207fffff;
const main = mineChain(GENESIS, 120, { time: T0, bits: BITS });
const hex = (i: number): string =>
  Buffer.from(headerHash(main[i - 1]!))
    .reverse()
    .toString('hex');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rxbtc-store-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function filled(store: HeaderStore, n = 120): Promise<void> {
  const chain = createHeaderChain({ network, store });
  for (let i = 0; i < n; i += 50) await chain.add(main.slice(i, Math.min(n, i + 50)));
  await chain.close();
}

/** Reopen the file and report the chain it loads. */
function reopen(path: string): { height: number; tip: string } {
  const chain = createHeaderChain({ network, store: fileHeaderStore(path), now: () => 0 }); // a clock at 1970: loading must not re-validate
  const out = { height: chain.height, tip: chain.tip.hashHex };
  void chain.close();
  return out;
}

describe('header stores', () => {
  it('memory: a second chain on the same store starts where the first stopped', async () => {
    const store = memoryHeaderStore();
    await filled(store, 70);
    const again = createHeaderChain({ network, store });
    expect([again.height, again.tip.hashHex]).toEqual([70, hex(70)]);
  });

  it('file: reopened without re-validation, at the same tip', async () => {
    const path = join(dir, 'plain');
    await filled(fileHeaderStore(path));
    expect(reopen(path)).toEqual({ height: 120, tip: hex(120) });
    expect(readFileSync(path).length).toBe(64 + 121 * 80);
  });

  it('file: a torn last record (cut at every offset) is dropped, everything before it kept', async () => {
    const path = join(dir, 'torn');
    await filled(fileHeaderStore(path));
    const whole = readFileSync(path);
    for (let cut = 1; cut < 80; cut++) {
      writeFileSync(path, whole);
      truncateSync(path, whole.length - cut);
      expect(reopen(path)).toEqual({ height: 119, tip: hex(119) });
    }
  });

  it('file: a corrupted last record (a byte changed at every offset) is never loaded', async () => {
    const path = join(dir, 'corrupt');
    await filled(fileHeaderStore(path));
    const whole = readFileSync(path);
    for (let at = whole.length - 80; at < whole.length; at++) {
      const bad = Buffer.from(whole);
      bad[at]! ^= 0x01;
      writeFileSync(path, bad);
      expect(reopen(path)).toEqual({ height: 119, tip: hex(119) });
    }
    // A broken link in the middle drops that record and everything after it.
    const bad = Buffer.from(whole);
    bad[64 + 60 * 80 + 10]! ^= 0xff; // the previous-block field of the record at height 60
    writeFileSync(path, bad);
    expect(reopen(path)).toEqual({ height: 59, tip: hex(59) });
  });

  it('file: a reorganisation rewrites the tail', async () => {
    const path = join(dir, 'reorg');
    const chain = createHeaderChain({ network, store: fileHeaderStore(path) });
    await chain.add(main.slice(0, 20));
    const branch = mineChain(headerHash(main[14]!), 8, { time: main[14]!.timestamp, bits: BITS, salt: 9 });
    const r = await chain.add(branch);
    expect(r.reorg?.forkHeight).toBe(15);
    await chain.close();
    expect(reopen(path)).toEqual({ height: 23, tip: Buffer.from(headerHash(branch[7]!)).reverse().toString('hex') });
    expect(readFileSync(path).length).toBe(64 + 24 * 80);
  });

  it('file: not a header store → a clear error', () => {
    const path = join(dir, 'other');
    writeFileSync(path, 'hello, this is not a header file at all........................................');
    expect(() => fileHeaderStore(path)).toThrow('is not an rxbtc header store');
  });

  it('file: a writer killed at random moments never loses a header it acknowledged', async () => {
    const path = join(dir, 'killed');
    const child = resolve(__dirname, 'fixtures', 'store-writer.ts');
    for (let round = 0; round < 3; round++) {
      const acked = await new Promise<number>((done, fail) => {
        const p = spawn(process.execPath, ['--no-warnings', '--loader', 'ts-node/esm', child, path], {
          env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1' },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let last = -1;
        let seen = 0;
        p.stdout.on('data', (d: Buffer) => {
          for (const m of d.toString().matchAll(/acked (\d+)/g)) last = Number(m[1]);
          if (++seen === 3) setTimeout(() => p.kill('SIGKILL'), Math.random() * 40);
        });
        p.on('exit', () => done(last));
        p.on('error', fail);
      });
      expect(acked).toBeGreaterThan(0);
      const { height } = reopen(path);
      expect(height).toBeGreaterThanOrEqual(acked);
    }
  }, 120_000);
});

describe('the header index beside the file (PATH.index)', () => {
  const indexOf = (path: string): string => `${path}.index`;
  /** A store of 120 headers and its two files' bytes. */
  async function stored(name: string): Promise<{ path: string; headers: Buffer; index: Buffer }> {
    const path = join(dir, name);
    await filled(fileHeaderStore(path));
    return { path, headers: readFileSync(path), index: readFileSync(indexOf(path)) };
  }

  it('holds 12 bytes per header (8 of hash, bits) after a 64-byte preamble', async () => {
    const { index } = await stored('index-layout');
    expect(index.length).toBe(64 + 121 * 12);
    expect(index.toString('latin1', 0, 8)).toBe('RXBTCIDX');
    const at = 64 + 7 * 12;
    expect(index.subarray(at, at + 8).toString('hex')).toBe(Buffer.from(headerHash(main[6]!)).subarray(0, 8).toString('hex'));
    expect(index.readUInt32LE(at + 8)).toBe(BITS);
  });

  it('opens without hashing old headers: a damaged header below the memory window is found when read, as a StoreError naming the file', async () => {
    const { path, headers } = await stored('index-trusted');
    const bad = Buffer.from(headers);
    bad[64 + 30 * 80 + 70]! ^= 0x01; // the time of the header at height 30
    writeFileSync(path, bad);
    const chain = createHeaderChain({ network, store: fileHeaderStore(path), memoryHeaders: 10 });
    expect(chain.height).toBe(120);
    expect(chain.header(29)!.hashHex).toBe(hex(29));
    let error: unknown;
    try {
      chain.header(30);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('corrupt');
    expect((error as StoreError).message).toContain(path);
    await chain.close();
  });

  it('missing: rebuilt from the headers', async () => {
    const { path, index } = await stored('index-missing');
    rmSync(indexOf(path));
    expect(reopen(path)).toEqual({ height: 120, tip: hex(120) });
    expect(readFileSync(indexOf(path))).toEqual(index);
  });

  it('behind the headers (a crash between the two writes): caught up from the headers it lacks', async () => {
    const path = join(dir, 'index-behind');
    await filled(fileHeaderStore(path), 100);
    const old = readFileSync(indexOf(path));
    const chain = createHeaderChain({ network, store: fileHeaderStore(path) });
    await chain.add(main.slice(100, 120));
    await chain.close();
    const whole = readFileSync(indexOf(path));
    writeFileSync(indexOf(path), old);
    expect(reopen(path)).toEqual({ height: 120, tip: hex(120) });
    expect(readFileSync(indexOf(path))).toEqual(whole);
  });

  it('a changed byte anywhere (its CRC fails), or the index of another chain: rebuilt, never trusted', async () => {
    const { path, index } = await stored('index-flipped');
    for (const at of [64, 64 + 50 * 12 + 3, 64 + 120 * 12 + 11, 20]) {
      const bad = Buffer.from(index);
      bad[at]! ^= 0x40;
      writeFileSync(indexOf(path), bad);
      expect(reopen(path)).toEqual({ height: 120, tip: hex(120) });
      expect(readFileSync(indexOf(path))).toEqual(index);
    }
    const other = await stored('index-other');
    await filled(fileHeaderStore(join(dir, 'index-short')), 60);
    writeFileSync(indexOf(other.path), readFileSync(indexOf(join(dir, 'index-short'))));
    expect(reopen(other.path)).toEqual({ height: 120, tip: hex(120) });
    expect(readFileSync(indexOf(other.path))).toEqual(index);
  });

  it('rebuilding checks every link: a header that does not link to the one before is dropped with all after it', async () => {
    const { path, headers } = await stored('index-rebuild-link');
    const bad = Buffer.from(headers);
    bad[64 + 60 * 80 + 10]! ^= 0xff;
    writeFileSync(path, bad);
    rmSync(indexOf(path));
    expect(reopen(path)).toEqual({ height: 59, tip: hex(59) });
  });

  it('a foreign file where the index should be is refused, naming it', async () => {
    const { path } = await stored('index-foreign');
    writeFileSync(indexOf(path), 'not an index at all, but somebody else’s file.....................................');
    expect(() => fileHeaderStore(path)).toThrow(`${indexOf(path)} is not an rxbtc header index`);
  });

  it('a store of another chain (another root) is a StoreError, not a reset', async () => {
    const { path } = await stored('index-root');
    expect(() => createHeaderChain({ network: networks.testnet4, store: fileHeaderStore(path) })).toThrow(StoreError);
    expect(readFileSync(path).length).toBe(64 + 121 * 80);
  });
});
