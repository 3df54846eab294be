import { blockAnnouncements } from '../../demos/compose-your-own.js';
import { useRegtestNode } from '../helpers/regtest.js';

const regtest = useRegtestNode({ blocks: 1 });

it('the README compose-your-own example receives block announcements from a real node', async () => {
  const announcements = blockAnnouncements('127.0.0.1', regtest().port, 2);
  await regtest().waitForPeers(1); // bcoin announces only to peers past the handshake
  const mined = [...(await regtest().mine(1)), ...(await regtest().mine(1))];
  const invs = await announcements;
  expect(invs.flatMap((m) => m.items.map((i) => i.hash))).toEqual(mined);
});
