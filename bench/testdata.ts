import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository's `testdata/` folder, found by walking up from this file,
 * so the same code works from `bench/` under ts and from `.build/bench/`.
 */
export const TESTDATA_DIR: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'testdata');
    if (existsSync(join(candidate, 'README.md'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('testdata/ not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
})();

/** Read a file of `testdata/` as a Buffer (a Uint8Array, as a socket would deliver). */
export function readTestdata(name: string): Buffer {
  return readFileSync(join(TESTDATA_DIR, name));
}
