import { gzipSync } from 'node:zlib';
import { buildForBrowser } from '../../demos/web/browser-build.js';
import { ROOT } from './startup.js';

/** What a page that watches a wallet imports: a WebSocket peer, the header chain, descriptors, watch (BIP158 and BIP37), the balance, IndexedDB stores. */
export const WALLET_NAMES = [
  'connectWebSocket',
  'createHeaderChain',
  'parseDescriptor',
  'watch',
  'WalletView',
  'openIndexedDbHeaderStore',
  'openIndexedDbFilterHeaderStore',
  'openIndexedDbWalletStore',
] as const;

/** The wallet-watching path bundled for browsers from rxbtc's browser entry (esbuild, minified, rxjs and noble inside): bytes and gzip bytes. */
export async function walletBundle(): Promise<{ bytes: number; gzipBytes: number }> {
  const entry = `export { ${WALLET_NAMES.join(', ')} } from ${JSON.stringify(`${ROOT}lib/browser.js`)};`;
  const { code } = await buildForBrowser({ contents: entry, resolveDir: `${ROOT}lib` });
  return { bytes: Buffer.byteLength(code), gzipBytes: gzipSync(code, { level: 9 }).length };
}
