import { outboundPeer } from '../../demos/outbound-peer.js';
import { useRegtestNode } from '../helpers/regtest.js';

const regtest = useRegtestNode({ blocks: 5 });

it('the README outbound-peer example runs against a real node', async () => {
  const lines: string[] = [];
  const reason = await outboundPeer('127.0.0.1', regtest().port, (l) => lines.push(l));
  expect(reason).toBe('got the headers');
  expect(lines).toEqual([
    expect.stringMatching(/^connected to \/bcoin:v?1\.0\.2\/ \(version 70015, height 5\)$/),
    'received 5 headers',
    'disconnected: got the headers',
  ]);
});
