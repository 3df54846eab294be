import { ByteReader, createHeaderChain, hashToHex, networks, readBlock, readBlockFile, type BlockHeader } from '../../lib/index.js';
import { readData } from '../helpers/data.js';
import { MAINNET_FIRST, mainnetHeaders } from '../helpers/mainnet-headers.js';
import { rejection } from '../helpers/chain-error.js';
import { headerHash } from '../helpers/mine.js';

const FIRST = MAINNET_FIRST;
const headers = mainnetHeaders;
/** A clock a day after the last header, so the future-time rule is not in the way. */
const afterLast = (): number => headers[headers.length - 1]!.timestamp + 86_400;

function fromCheckpoint(now = afterLast) {
  return createHeaderChain({ network: networks.mainnet, checkpoint: { height: FIRST, header: headers[0]! }, now });
}

async function addAll(chain: ReturnType<typeof fromCheckpoint>, list: BlockHeader[]): Promise<void> {
  for (let i = 0; i < list.length; i += 2000) await chain.add(list.slice(i, i + 2000));
}

describe('8,064 real mainnet headers from a checkpoint at 822,528', () => {
  it('all validate, across four retargets and the hard-coded checkpoint at 830,000', async () => {
    const chain = fromCheckpoint();
    await addAll(chain, headers.slice(1));
    expect(chain.height).toBe(830_592);
    expect(chain.tip.hashHex).toBe('00000000000000000000506183a8b30fa3224b85e82a70416e1d594bdb632fdb');
    expect(chain.header(830_000)!.hashHex).toBe('000000000000000000011d55599ed27d7efca05f5849b755319c89eb2cffbc1f');
    // The difficulty really changed at each retarget height and nowhere else.
    const changes = headers.flatMap((h, i) => (i > 0 && h.bits !== headers[i - 1]!.bits ? [FIRST + i] : []));
    expect(changes).toEqual([824_544, 826_560, 828_576, 830_592]);
  });

  // Core checks that a headers message is one continuous sequence first (net_processing), then proof of work against
  // each header's own bits (CheckBlockHeader), then the contextual rules (ContextualCheckBlockHeader); so does rxbtc.
  // A changed field changes the hash, so on real headers each mutation is bad-pow, except the broken link: bad-link.
  const mutations: [string, number, string, (h: BlockHeader) => BlockHeader][] = [
    ['nonce', 823_000, 'bad-pow', (h) => ({ ...h, nonce: h.nonce ^ 1 })],
    ['bits at a non-retarget height', 825_000, 'bad-pow', (h) => ({ ...h, bits: h.bits + 1 })],
    ['bits at a retarget height', 826_560, 'bad-pow', (h) => ({ ...h, bits: headers[826_559 - FIRST]!.bits })],
    ['time set to the median time past', 827_000, 'bad-pow', (h) => ({ ...h, timestamp: medianOf(827_000) })],
    ['a broken previous-block link', 829_000, 'bad-link', (h) => ({ ...h, prevBlock: headers[828_998 - FIRST]!.merkleRoot })],
  ];
  it.each(mutations)('%s: refused at exactly %i (%s), the chain keeping the header before it', async (_what, height, code, mutate) => {
    const list = headers.slice(1);
    list[height - FIRST - 1] = mutate(list[height - FIRST - 1]!);
    const chain = fromCheckpoint();
    const e = await rejection(addAll(chain, list));
    expect([e.code, e.height]).toEqual([code, height]);
    expect(chain.height).toBe(height - 1);
    expect(chain.tip.hashHex).toBe(hashToHex(headerHash(headers[height - 1 - FIRST]!)));
  });

  it('refuses an unmutated header more than 2 hours ahead of the injected clock, keeping the one before', async () => {
    const height = 828_000;
    const chain = fromCheckpoint(() => headers[height - FIRST]!.timestamp - 7201);
    const e = await rejection(addAll(chain, headers.slice(1)));
    expect([e.code, e.height, chain.height]).toEqual(['time-too-new', height, height - 1]);
    // One second later on the clock the same header is fine.
    const ok = fromCheckpoint(() => headers[height - FIRST]!.timestamp - 7200);
    await addAll(ok, headers.slice(1, height - FIRST + 1));
    expect(ok.height).toBe(height);
  });

  it('from a checkpoint inside a period (824,543, a period end) the same headers validate, the first retarget by Core’s ×4 rule', async () => {
    const at = 824_543 - FIRST;
    const chain = createHeaderChain({ network: networks.mainnet, checkpoint: { height: 824_543, header: headers[at]! }, now: afterLast });
    await addAll(chain, headers.slice(at + 1));
    expect([chain.height, chain.tip.hashHex]).toEqual([830_592, '00000000000000000000506183a8b30fa3224b85e82a70416e1d594bdb632fdb']);
    // 826,560 is checked in full: a header there with 824,544's bits (a permitted transition, not the exact one) is refused.
    const early = createHeaderChain({ network: networks.mainnet, checkpoint: { height: 824_543, header: headers[at]! }, now: afterLast });
    await addAll(early, headers.slice(at + 1, 826_560 - FIRST));
    const wrong = { ...headers[826_560 - FIRST]!, bits: headers[826_559 - FIRST]!.bits };
    expect((await rejection(early.add([wrong]))).height).toBe(826_560);
  });
});

function medianOf(height: number): number {
  const times = headers.slice(height - FIRST - 11, height - FIRST).map((h) => h.timestamp);
  return times.sort((a, b) => a - b)[5]!;
}

describe("Bitcoin's first 256 headers from genesis", () => {
  it('validate from the built-in genesis, ending at block 255', async () => {
    const blocks = readBlockFile(readData('blocks1-256')).map((r) => readBlock(new ByteReader(r.block)).header);
    const chain = createHeaderChain({ network: networks.mainnet });
    expect(chain.root.hashHex).toBe(networks.mainnet.genesisHash);
    const result = await chain.add(blocks);
    expect([result.added, chain.height]).toEqual([255, 255]);
    expect(chain.tip.hashHex).toBe(hashToHex(headerHash(blocks[254]!)));
    expect(chain.tip.chainWork).toBe(256n * 0x100010001n); // difficulty 1: 2^256 / (0xffff·2^208 + 1) = 0x100010001 each
  });

  it('every built-in network’s genesis parameters hash to its genesis', () => {
    for (const network of Object.values(networks)) expect(createHeaderChain({ network }).root.hashHex).toBe(network.genesisHash);
  });
});
