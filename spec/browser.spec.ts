import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { buildForBrowser } from '../demos/web/browser-build.js';
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

describe("the package's exports, resolved as a bundler resolves `import … from 'rxbtc'`", () => {
  // The package as installed: package.json and a freshly built dist/ (the exports point there), its dependencies beside it,
  // and an app folder whose node_modules/rxbtc links to it.
  const root = join(__dirname, '..');
  let app: string;
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'rxbtc-exports-'));
    const pkg = join(tmp, 'rxbtc');
    mkdirSync(pkg);
    copyFileSync(join(root, 'package.json'), join(pkg, 'package.json'));
    execFileSync(process.execPath, [
      join(root, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(root, 'tsconfig.build.json'),
      '--outDir',
      join(pkg, 'dist'),
    ]);
    symlinkSync(join(root, 'node_modules'), join(pkg, 'node_modules'));
    app = join(tmp, 'app');
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    symlinkSync(pkg, join(app, 'node_modules', 'rxbtc'));
  }, 120_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const names = 'createPeer, peer$, connectWebSocket, createHeaderChain, decodeMessages, watch';

  it("gives a browser bundle dist/browser.js (the 'browser' condition) and no Node module", async () => {
    const { code, inputs } = await buildForBrowser({ contents: `export { ${names} } from 'rxbtc';`, resolveDir: app });
    const own = inputs.filter((i) => i.includes('rxbtc/dist/'));
    expect(own).toContain(own.find((i) => i.endsWith('rxbtc/dist/browser.js')));
    expect(own.filter((i) => i.endsWith('dist/index.js') || /transport\/(connect-tcp|listen-tcp|websocket-bridge)\.js$/.test(i))).toEqual(
      [],
    );
    // connectWebSocket's fallback import('ws') is mapped out by "browser": { "ws": false }: esbuild marks it disabled.
    expect(inputs.filter((i) => i.includes('node_modules/ws/'))).toEqual(['(disabled):node_modules/ws/browser.js']);
    expect(code).not.toMatch(/(?:from|import|require)\s*\(?\s*["']node:/);
  });

  it('gives Node the full entry dist/index.js, with TCP, the pool and the bridge', async () => {
    const result = await build({
      stdin: { contents: `export { connectTcp, createPool, startBridge } from 'rxbtc';`, resolveDir: app },
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const own = Object.keys(result.metafile.inputs).filter((i) => i.includes('rxbtc/dist/'));
    expect(own.filter((i) => /dist\/(index|browser)\.js$/.test(i)).map((i) => i.replace(/.*rxbtc\//, ''))).toEqual(['dist/index.js']);
    expect(own.some((i) => i.endsWith('transport/connect-tcp.js'))).toBe(true);
  });
});
