import { InvType, hashToHex, txid, type Peer, type Transaction } from '../../lib/index.js';

/**
 * Transaction relay from the soak's server: each transaction announced to
 * every connected peer with an `inv`, sent to whoever asks with `getdata`.
 */
export class TxRelay {
  private readonly peers = new Set<Peer>();
  private readonly known = new Map<string, Transaction>();

  /** Serve a new connection's `getdata` for transactions; it is announced to from now on. */
  add(peer: Peer): void {
    this.peers.add(peer);
    void peer.closed.then(() => this.peers.delete(peer));
    peer.on('getdata').subscribe((m) => {
      for (const item of m.items) {
        const tx = (item.type & 0xffff) === InvType.Tx ? this.known.get(hashToHex(item.hash)) : undefined;
        if (tx) peer.queue({ command: 'tx', tx });
      }
    });
  }

  /** Announce a transaction to every peer. */
  relay(tx: Transaction): void {
    const hash = txid(tx);
    this.known.set(hashToHex(hash), tx);
    for (const peer of this.peers) if (peer.connected) peer.queue({ command: 'inv', items: [{ type: InvType.Tx, hash }] });
  }
}
