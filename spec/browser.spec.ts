import { join } from 'node:path';
import { BUNDLE_TARGET, browserBundle } from '../bench/bundle.js';

describe('the browser bundle (lib/browser.ts through esbuild, platform browser)', () => {
  let bundle: Awaited<ReturnType<typeof browserBundle>>;
  beforeAll(async () => {
    bundle = await browserBundle(join(__dirname, '..', 'lib')); // fails on any static node: import
  }, 60_000);

  it('imports no Node module and uses no free Node global', () => {
    expect(bundle.code).not.toMatch(/(?:from|import|require)\s*\(?\s*["']node:/);
    expect(bundle.code).not.toMatch(/(?:from|import|require)\s*\(?\s*["'](?:net|fs|dns|crypto|ws)["']/);
    // Node globals only as guarded properties (globalThis.process?.getBuiltinModule), never bare
    // (`process(` alone is a method of @noble's hash classes).
    expect(bundle.code.match(/(?<![.\w$])(?:process|Buffer)(?=\s*(?:\.|\?\.|\[))/g) ?? []).toEqual([]);
    expect(bundle.code.match(/(?<![.\w$])(?:__dirname|__filename|require)(?![\w$])/g) ?? []).toEqual([]);
  });

  it(`is at most ${BUNDLE_TARGET / 1024} KiB minified and gzipped, rxjs included`, () => {
    expect(bundle.gzipBytes).toBeLessThanOrEqual(BUNDLE_TARGET);
    expect(bundle.gzipBytes).toBeGreaterThan(5 * 1024); // it did bundle the four names and their code
  });
});
