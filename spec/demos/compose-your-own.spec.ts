import { blockAnnouncements } from '../../demos/compose-your-own.js';
import { startRegtestNode, type RegtestNode } from '../../demos/regtest-node.js';

let regtest: RegtestNode;
beforeAll(async () => {
  regtest = await startRegtestNode({ blocks: 1 });
});
afterAll(async () => {
  await regtest?.close();
});

it('the README compose-your-own example receives block announcements from a real node', async () => {
  const announcements = blockAnnouncements('127.0.0.1', regtest.port, 2);
  await regtest.waitForPeers(1); // bcoin announces only to peers past the handshake
  const mined = [...(await regtest.mine(1)), ...(await regtest.mine(1))];
  const invs = await announcements;
  expect(invs.flatMap((m) => m.items.map((i) => i.hash))).toEqual(mined);
});
