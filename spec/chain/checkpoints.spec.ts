import {
  chainParams,
  createHeaderChain,
  decodeBits,
  hashToHex,
  networks,
  startCheckpoint,
  startCheckpoints,
  workOfTarget,
  type Checkpoint,
} from '../../lib/index.js';
import { MAINNET_FIRST, mainnetHeaders } from '../helpers/mainnet-headers.js';
import { headerHash } from '../helpers/mine.js';

const FIRST = MAINNET_FIRST;
const headers = mainnetHeaders;
const mainnet = chainParams(networks.mainnet);
const table = startCheckpoints(networks.mainnet);
const at = (height: number): Checkpoint => table.find((c) => c.height === height)!;

describe('built-in checkpoints', () => {
  it.each(['mainnet', 'testnet4', 'signet'] as const)('%s: ascending, one per height, period ends every 8,064 blocks', (name) => {
    const list = startCheckpoints(networks[name]);
    const heights = list.map((c) => c.height);
    expect(heights).toEqual([...new Set(heights)].sort((a, b) => a - b));
    const ends = list;
    expect(ends.length).toBeGreaterThan(15);
    ends.forEach((c, i) => expect(c.height).toBe((i + 1) * 8064 - 1));
    // Each hash is a block hash of that network: 32 bytes at or under its proof-of-work limit.
    for (const c of list) expect(c.hash.length === 64 && BigInt(`0x${c.hash}`) <= chainParams(networks[name]).powLimit).toBe(true);
  });

  it('mainnet: the period ends the testdata headers reach are those blocks (822,527 as the first header’s parent)', () => {
    expect(at(822_527).hash).toBe(hashToHex(headers[0]!.prevBlock));
    expect(at(830_591).hash).toBe(hashToHex(headerHash(headers[830_591 - FIRST]!)));
    const core = mainnet.checkpoints.find((c) => c.height === 830_000)!; // a hard checkpoint, not a start
    expect(core.hash).toBe(hashToHex(headerHash(headers[830_000 - FIRST]!)));
  });

  it('mainnet: the chain work between two period ends is the work of the real headers between them', async () => {
    // A chain rooted at 822,528 with the work the table gives its parent plus its own; at 830,591 it must equal the table.
    const rootWork = at(822_527).chainWork! + workOfTarget(decodeBits(headers[0]!.bits).target);
    const chain = createHeaderChain({
      network: networks.mainnet,
      checkpoint: { height: FIRST, header: headers[0]!, chainWork: rootWork },
      now: () => headers[headers.length - 1]!.timestamp + 86_400,
    });
    for (let i = 1; i < headers.length; i += 2000) await chain.add(headers.slice(i, Math.min(i + 2000, 830_591 - FIRST + 1)));
    expect(chain.header(830_591)!.chainWork).toBe(at(830_591).chainWork);
  });

  it("mainnet: the total work passes Bitcoin Core's nMinimumChainWork between 880,000 and its assumevalid block 912,683", () => {
    const withWork = table.filter((c) => c.chainWork !== undefined);
    expect(withWork).toEqual(table); // every mainnet start has its work
    const first = withWork.find((c) => c.chainWork! >= mainnet.minimumChainWork)!;
    expect(first.height).toBeGreaterThan(880_000);
    expect(first.height).toBeLessThanOrEqual(912_683 + 8064);
    // and the work only grows
    withWork.forEach((c, i) => i > 0 && expect(c.chainWork! > withWork[i - 1]!.chainWork!).toBe(true));
  });

  it('a birthday starts at the highest built-in checkpoint at or below it, never more than 8,063 blocks early', () => {
    const m = networks.mainnet;
    expect(startCheckpoint(m, 835_000)!.height).toBe(830_591);
    expect(startCheckpoint(m, 830_591)!.height).toBe(830_591);
    expect(startCheckpoint(m, 8_062)).toBeUndefined(); // before the first: from genesis
    for (let b = 8_063; b <= 951_551; b += 997) expect(b - startCheckpoint(m, b)!.height).toBeLessThan(8064);
    expect(startCheckpoint(networks.testnet4, 50_000)!.height).toBe(48_383);
    expect(startCheckpoint(networks.regtest, 1_000)).toBeUndefined();
  });
});
