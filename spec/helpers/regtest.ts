import { startRegtestNode, type RegtestNode, type RegtestNodeOptions } from '../../demos/regtest-node.js';

/**
 * Start an embedded bcoin regtest node before the enclosing block's tests
 * and close it after them. Returns an accessor for the running node.
 */
export function useRegtestNode(options: RegtestNodeOptions = {}): () => RegtestNode {
  let node: RegtestNode | undefined;
  beforeAll(async () => {
    node = await startRegtestNode(options);
  });
  afterAll(async () => {
    await node?.close();
  });
  return () => {
    if (!node) throw new Error('the regtest node is not running');
    return node;
  };
}
