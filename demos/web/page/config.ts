/** What the dashboard's server tells the page at `/config.json`. */
export interface DashboardConfig {
  /** Network name. */
  network: 'regtest';
  /** The node's P2P endpoint as the bridge's path: the page opens `ws://<page host>/<target>`. */
  target: string;
  /** An rxbtc node serving BIP157/158 compact filters over BIP324 (bcoin 1.0.2 serves neither), as a bridge path. */
  filterTarget: string;
  /** `auto`, `v2` or `v1` for the page's peers. */
  transport: 'auto' | 'v2' | 'v1';
  /** The address the page watches, paid by the node while the demo runs. */
  address: string;
  /** Height from which the page rescans for the address (the wallet's birthday). */
  birthday: number;
}
