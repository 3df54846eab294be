import { outboundPeer } from '../../demos/outbound-peer.js';
import { startRegtestNode, type RegtestNode } from '../../demos/regtest-node.js';

let regtest: RegtestNode;
beforeAll(async () => {
  regtest = await startRegtestNode({ blocks: 5 });
});
afterAll(async () => {
  await regtest?.close();
});

it('the README outbound-peer example runs against a real node', async () => {
  const lines: string[] = [];
  const reason = await outboundPeer('127.0.0.1', regtest.port, (l) => lines.push(l));
  expect(reason).toBe('got the headers');
  expect(lines).toEqual([
    expect.stringMatching(/^connected to \/bcoin:v?1\.0\.2\/ \(version 70015, height 5\)$/),
    'received 5 headers',
    'disconnected: got the headers',
  ]);
});
