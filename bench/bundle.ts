import { gzipSync } from 'node:zlib';
import { buildForBrowser } from '../demos/web/browser-build.js';

/** The four names a small browser app imports: decode, peer, WebSocket transport, header chain. */
export const BUNDLE_NAMES = ['decodeMessages', 'createPeer', 'connectWebSocket', 'createHeaderChain'] as const;

/** Size target of the minified + gzipped browser bundle, bytes (rxjs included). */
export const BUNDLE_TARGET = 60 * 1024;

/**
 * Bundle {@link BUNDLE_NAMES} from rxbtc's browser entry for the browser with
 * esbuild (minified, tree-shaken, rxjs included; the build fails on any
 * static `node:` import) and return the code and its gzip size.
 * @param libDir - the folder holding `browser.ts` (sources) or `browser.js` (built)
 */
export async function browserBundle(libDir: string): Promise<{ code: string; bytes: number; gzipBytes: number }> {
  const entry = `export { ${BUNDLE_NAMES.join(', ')} } from ${JSON.stringify(`${libDir}/browser.js`)};`;
  const { code } = await buildForBrowser({ contents: entry, resolveDir: libDir });
  return { code, bytes: Buffer.byteLength(code), gzipBytes: gzipSync(code, { level: 9 }).length };
}

/**
 * The web dashboard's page (`demos/web/page/app.ts`: three peers, two header
 * chains, BIP37 and BIP158 watching, BIP324) bundled as `npm run web`
 * serves it: what a whole app built on rxbtc weighs.
 * @param rootDir - the repository's root
 */
export async function dashboardBundle(rootDir: string): Promise<{ bytes: number; gzipBytes: number }> {
  const { code } = await buildForBrowser({ file: `${rootDir}/demos/web/page/app.ts` });
  return { bytes: Buffer.byteLength(code), gzipBytes: gzipSync(code, { level: 9 }).length };
}
