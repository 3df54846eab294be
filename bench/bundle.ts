import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

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
  const result = await build({
    stdin: { contents: entry, resolveDir: libDir, loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  return { code, bytes: Buffer.byteLength(code), gzipBytes: gzipSync(code, { level: 9 }).length };
}
