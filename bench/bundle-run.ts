import { fileURLToPath } from 'node:url';
import { BUNDLE_NAMES, BUNDLE_TARGET, browserBundle } from './bundle.js';

/** The bench line: size against the target. */
export async function runBundle(): Promise<{ met: boolean; line: string }[]> {
  const { bytes, gzipBytes } = await browserBundle(fileURLToPath(new URL('../../lib', import.meta.url)));
  return [
    {
      met: gzipBytes <= BUNDLE_TARGET,
      line: `browser bundle of ${BUNDLE_NAMES.join(', ')} (esbuild, minified, rxjs included): ${(bytes / 1024).toFixed(1)} KiB, ${(gzipBytes / 1024).toFixed(1)} KiB gzipped (target ≤ 60 KiB)`,
    },
  ];
}
