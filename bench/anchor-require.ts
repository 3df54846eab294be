import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** bench/anchors/package.json, from this file's place in the build (.build/bench/). */
const ANCHORS = fileURLToPath(new URL('../../bench/anchors/package.json', import.meta.url));
const fromAnchors = createRequire(ANCHORS);

/**
 * Load one of the bench's anchors (bitcoinjs-lib, bitcore-p2p, golomb):
 * they have their own package.json and lockfile in bench/anchors, installed
 * by `npm run bench`, so that the first `npm ci` does not fetch them.
 * @param name - the package (or a file of it)
 * @throws Error saying how to install them when they are not
 */
export function anchor(name: string): unknown {
  try {
    return fromAnchors(name);
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw e;
    throw new Error(`${name} is one of the bench's anchors: npm run bench installs them (npm ci --prefix bench/anchors)`, { cause: e });
  }
}
