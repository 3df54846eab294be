import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

let built: Promise<string> | undefined;

/**
 * The rxbtc command line (spec/cli/fixtures/rxbtc.ts, i.e. lib/cli from the
 * sources) bundled by esbuild into one file, once per test file, so a spec
 * can run it as a real child process that starts in a fraction of a second
 * (ts-node would take seconds per start).
 * @returns the bundle's path; run it with `node PATH ARGS…`
 */
export function cliBundle(): Promise<string> {
  built ??= (async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rxbtc-cli-')), 'rxbtc.mjs');
    await build({
      entryPoints: [resolve(__dirname, '..', 'cli', 'fixtures', 'rxbtc.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: out,
      // ws's optional native helpers; a CommonJS require() inside an ES module bundle needs createRequire.
      external: ['bufferutil', 'utf-8-validate'],
      banner: { js: "import { createRequire as __rxbtcRequire } from 'node:module'; const require = __rxbtcRequire(import.meta.url);" },
      logLevel: 'error',
    });
    return out;
  })();
  return built;
}
