import { fileURLToPath } from 'node:url';
import { BUNDLE_NAMES, BUNDLE_TARGET, browserBundle, dashboardBundle } from './bundle.js';

/** The bench lines: the four names' bundle against the target, and the dashboard page's size for scale. */
export async function runBundle(): Promise<{ met?: boolean; line: string }[]> {
  const { bytes, gzipBytes } = await browserBundle(fileURLToPath(new URL('../../lib', import.meta.url)));
  const page = await dashboardBundle(fileURLToPath(new URL('../..', import.meta.url)));
  return [
    {
      met: gzipBytes <= BUNDLE_TARGET,
      line: `browser bundle of ${BUNDLE_NAMES.join(', ')} (esbuild, minified, rxjs included): ${(bytes / 1024).toFixed(1)} KiB, ${(gzipBytes / 1024).toFixed(1)} KiB gzipped (target ≤ 60 KiB)`,
    },
    {
      line: `for scale, the whole npm run web page (three peers, BIP324, two header chains, BIP37 and BIP158 watching): ${(page.bytes / 1024).toFixed(1)} KiB, ${(page.gzipBytes / 1024).toFixed(1)} KiB gzipped (no target)`,
    },
  ];
}
