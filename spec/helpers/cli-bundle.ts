import { createHash } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

let built: Promise<string> | undefined;

/**
 * The rxbtc command line (spec/cli/fixtures/rxbtc.ts, i.e. lib/cli from the
 * sources) bundled by esbuild into one file, once per test file, so a spec
 * can run it as a real child process that starts in a fraction of a second
 * (ts-node would take seconds per start). The file is named for its
 * contents: every test file of a run (and later runs of the same sources)
 * shares one, and none is left behind per test file.
 * @returns the bundle's path; run it with `node PATH ARGS…`
 */
export function cliBundle(): Promise<string> {
  built ??= (async () => {
    const result = await build({
      entryPoints: [resolve(__dirname, '..', 'cli', 'fixtures', 'rxbtc.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      outfile: 'rxbtc.mjs',
      // ws's optional native helpers; a CommonJS require() inside an ES module bundle needs createRequire.
      external: ['bufferutil', 'utf-8-validate'],
      banner: { js: "import { createRequire as __rxbtcRequire } from 'node:module'; const require = __rxbtcRequire(import.meta.url);" },
      logLevel: 'error',
    });
    const code = result.outputFiles[0]!.contents;
    const out = join(tmpdir(), `rxbtc-cli-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
    if (!existsSync(out)) {
      // Written aside and renamed: another jest worker may be writing the same file at the same moment.
      const part = `${out}.${process.pid}.part`;
      writeFileSync(part, code);
      renameSync(part, out);
    }
    return out;
  })();
  return built;
}
