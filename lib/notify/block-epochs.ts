import { Observable, Subscription, skip } from 'rxjs';
import type { HeaderChain } from '../chain/header-chain.js';
import type { BlockEpoch } from './notify-events.js';

/**
 * Every block joining the verified best chain, as LND's block epochs: the
 * tip when subscribed, then each block connected, lowest first; a
 * reorganisation first says which blocks left (`reorged`), then the new
 * branch's blocks follow.
 */
export function blockEpochs(chain: HeaderChain): Observable<BlockEpoch> {
  return new Observable<BlockEpoch>((subscriber) => {
    const subs = new Subscription();
    let told = chain.tip;
    const block = (height: number): void => {
      const e = chain.header(height);
      if (!e) return;
      told = e;
      subscriber.next({ type: 'block', height, hash: e.hashHex, header: e.header });
    };
    block(told.height);
    subs.add(
      chain.reorg$.subscribe((r) => {
        const disconnected = r.disconnected.filter((d) => d.height <= told.height).map((d) => ({ height: d.height, hash: d.hashHex }));
        if (disconnected.length > 0) subscriber.next({ type: 'reorged', forkHeight: r.forkHeight, disconnected });
        told = chain.header(r.forkHeight) ?? told;
      }),
    );
    subs.add(
      chain.tip$.pipe(skip(1)).subscribe((tip) => {
        for (let h = told.height + 1; h <= tip.height; h++) block(h);
      }),
    );
    return subs;
  });
}
