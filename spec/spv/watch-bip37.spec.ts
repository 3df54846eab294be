import { firstValueFrom } from 'rxjs';
import {
  ByteReader,
  MruSet,
  ServiceFlag,
  createHeaderChain,
  createPeer,
  memoryPair,
  networks,
  readBlock,
  readBlockFile,
  watchBip37,
  type Block,
} from '../../lib/index.js';
import { readData } from '../helpers/data.js';

const network = networks.mainnet;
const blocks: Block[] = readBlockFile(readData('blocks1-256')).map((r) => readBlock(new ByteReader(r.block)));

describe('watchBip37 rescans from the birthday', () => {
  it('asks only for blocks from `from` on, even when the chain is still below it when the watch starts', async () => {
    // Found by the web dashboard: its wallet peer starts watching while the other peer is still syncing headers.
    const chain = createHeaderChain({ network }); // genesis only
    const [a, b] = memoryPair();
    const client = createPeer(a, { network, sentNonces: new MruSet(50) });
    const server = createPeer(b, { network, inbound: true, services: ServiceFlag.Network | ServiceFlag.Bloom, sentNonces: new MruSet(50) });
    const asked = firstValueFrom(server.on('getdata'));
    const sub = watchBip37({ chain, source: client, scripts: [Uint8Array.of(0x51)], from: 10 }).subscribe();
    await client.handshake;
    await chain.add(blocks.slice(0, 20).map((blk) => blk.header)); // heights 1–20 arrive after the watch started
    const heights = (await asked).items.map((i) => chain.header(i.hash)?.height);
    expect(heights).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    sub.unsubscribe();
    client.disconnect();
  });
});
