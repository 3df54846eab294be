import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { createHeaderChain, fileHeaderStore, hashFromHex, hashToHex, networks, type HeaderChain } from '../../lib/index.js';
import { headerHash, mineChain } from '../helpers/mine.js';

const network = networks.regtest;
const GENESIS = hashFromHex(network.genesisHash);
const T0 = 1_296_688_602;
const BITS = 0x207fffff;
const main = mineChain(GENESIS, 3000, { time: T0, bits: BITS });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rxbtc-best-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function addAll(chain: HeaderChain, list: typeof main): Promise<void> {
  for (let i = 0; i < list.length; i += 2000) await chain.add(list.slice(i, i + 2000));
}

/** Everything a caller can ask of a chain, at a few heights: it must not depend on what is held in memory. */
function answers(chain: HeaderChain): unknown {
  const at = [0, 1, 1023, 1024, 1025, 2047, 2500, chain.height];
  return {
    height: chain.height,
    tip: chain.tip.hashHex,
    entries: at.map((h) => {
      const e = chain.header(h)!;
      return [
        e.height,
        e.hashHex,
        e.chainWork,
        Buffer.from(e.raw).toString('hex'),
        e.header.nonce,
        chain.header(e.hash)?.height,
        chain.isBest(e.hash),
      ];
    }),
    locator: chain.locator().map(hashToHex),
    after: chain.after([chain.header(1500)!.hash], undefined, 5).map((e) => e.height),
    afterStop: chain.after([chain.header(10)!.hash], chain.header(14)!.hash).map((e) => e.height),
  };
}

describe('the compact best chain (old headers read from the store)', () => {
  it('answers lookups, locators and after() the same with 8 headers in memory as with all', async () => {
    const all = createHeaderChain({ network });
    const few = createHeaderChain({ network, memoryHeaders: 8, store: fileHeaderStore(join(dir, 'few')) });
    await addAll(all, main);
    await addAll(few, main);
    expect(answers(few)).toEqual(answers(all));
    expect(few.header(hashToHex(headerHash(main[99]!)))!.height).toBe(100); // by display hex too
    expect(few.header(new Uint8Array(32).fill(5))).toBeUndefined();
    expect(few.header(3001)).toBeUndefined();
    await few.close();
    // Reopened, with the same small window:
    const again = createHeaderChain({ network, memoryHeaders: 8, store: fileHeaderStore(join(dir, 'few')) });
    expect(answers(again)).toEqual(answers(all));
    await again.close();
  });

  it('reorganises onto a branch that forks far below what is in memory, and a reopened store has the branch', async () => {
    const path = join(dir, 'deep');
    const chain = createHeaderChain({ network, memoryHeaders: 8, store: fileHeaderStore(path) });
    await chain.add(main.slice(0, 300));
    const fork = 250;
    const branch = mineChain(headerHash(main[fork - 1]!), 60, { time: main[fork - 1]!.timestamp, bits: BITS, salt: 7 });
    const reorg = firstValueFrom(chain.reorg$);
    const r = await chain.add(branch);
    expect(r.reorg!.forkHeight).toBe(fork);
    expect(r.reorg!.disconnected.map((e) => e.height)).toEqual(Array.from({ length: 50 }, (_, i) => fork + 1 + i));
    expect(r.reorg!.disconnected.map((e) => e.hashHex)).toEqual(main.slice(fork, 300).map((h) => hashToHex(headerHash(h))));
    expect((await reorg).connected.length).toBe(60);
    expect(chain.height).toBe(310);
    expect(chain.header(260)!.hashHex).toBe(hashToHex(headerHash(branch[9]!)));
    // The old branch is still known (a side branch), and can win again.
    expect(chain.isBest(headerHash(main[270]!))).toBe(false);
    expect(chain.header(headerHash(main[270]!))!.height).toBe(271);
    const more = mineChain(headerHash(main[299]!), 20, { time: main[299]!.timestamp, bits: BITS });
    const back = await chain.add(more);
    expect(back.reorg!.forkHeight).toBe(fork);
    expect(chain.height).toBe(320);
    await chain.close();
    const again = createHeaderChain({ network, memoryHeaders: 8, store: fileHeaderStore(path) });
    expect(again.height).toBe(320);
    expect(again.header(260)!.hashHex).toBe(hashToHex(headerHash(main[259]!)));
    expect(again.header(319)!.hashHex).toBe(hashToHex(headerHash(more[18]!)));
    await again.close();
  });

  it('keeps headers whose write is still pending in memory, however many are added before it ends', async () => {
    const path = join(dir, 'pending');
    const chain = createHeaderChain({ network, memoryHeaders: 4, store: fileHeaderStore(path) });
    // Three adds without awaiting: each one's headers are validated at once, written later in order.
    const all = [chain.add(main.slice(0, 100)), chain.add(main.slice(100, 200)), chain.add(main.slice(200, 300))];
    expect(chain.header(50)!.hashHex).toBe(hashToHex(headerHash(main[49]!)));
    expect(chain.locator().length).toBeGreaterThan(10);
    await Promise.all(all);
    expect(chain.header(150)!.hashHex).toBe(hashToHex(headerHash(main[149]!)));
    await chain.close();
  });
});
