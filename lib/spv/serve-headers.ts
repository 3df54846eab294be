import { Subscription } from 'rxjs';
import type { HeaderChain } from '../chain/header-chain.js';
import type { Peer } from '../peer/peer-api.js';
import { InvType } from '../wire/messages/inv.js';
import { MAX_HEADERS_PER_MESSAGE } from '../wire/messages/headers.js';

/**
 * Serve a header chain to a peer, as a full node does: answer `getheaders`
 * from the best chain (up to 2,000 after the first locator hash we share),
 * and announce every new tip, with `headers` to a peer that sent
 * `sendheaders` (BIP130) and with a block `inv` otherwise.
 *
 * @param peer - the peer to serve
 * @param chain - the chain served
 * @returns a Subscription; unsubscribe to stop serving
 * @example
 * ```ts
 * listener.connections$.subscribe((c) => serveHeaders(createPeer(c, { network, inbound: true }), chain));
 * ```
 */
export function serveHeaders(peer: Peer, chain: HeaderChain): Subscription {
  const subs = new Subscription();
  subs.add(
    peer.on('getheaders').subscribe((m) => {
      const headers = chain.after(m.locator, m.stopHash, MAX_HEADERS_PER_MESSAGE).map((e) => e.header);
      peer.queue({ command: 'headers', headers });
    }),
  );
  let announced = chain.tip.hashHex;
  subs.add(
    chain.tip$.subscribe((tip) => {
      if (tip.hashHex === announced || !peer.connected) return;
      announced = tip.hashHex;
      if (peer.stats().wantsHeaders) peer.queue({ command: 'headers', headers: [tip.header] });
      else peer.queue({ command: 'inv', items: [{ type: InvType.Block, hash: tip.hash }] });
    }),
  );
  void peer.closed.then(() => subs.unsubscribe());
  return subs;
}
