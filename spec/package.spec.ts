import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
  files: string[];
  sideEffects: string[];
  bin: Record<string, string>;
};

/** Every .ts file under a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Statements at the top of a module that run code with an effect: expressions (calls, assignments), not declarations. */
function topLevelEffects(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  return source.statements
    .filter(
      (s) => ts.isExpressionStatement(s) || ts.isIfStatement(s) || ts.isForStatement(s) || ts.isForOfStatement(s) || ts.isWhileStatement(s),
    )
    .map((s) => `${relative(root, file)}: ${s.getText(source).slice(0, 60)}`);
}

describe('the published package', () => {
  it('exports each layer on its own (rxbtc/wire, rxbtc/chain…) beside the root, types first', () => {
    const layers = readdirSync(join(root, 'lib')).filter((d) => d !== 'cli' && existsSync(join(root, 'lib', d, 'index.ts')));
    for (const layer of layers)
      expect(pkg.exports[`./${layer}`]).toEqual({ types: `./dist/${layer}/index.d.ts`, default: `./dist/${layer}/index.js` });
    expect(Object.keys(pkg.exports).filter((k) => k !== '.' && k !== './package.json')).toHaveLength(layers.length);
    expect(pkg.exports['.']).toMatchObject({ types: './dist/index.d.ts', default: './dist/index.js' });
  });

  it('ships the built modules, their types and the command line, not the sources, source maps or the unbundled CLI', () => {
    expect(pkg.files).toEqual(['dist/**/*.js', 'dist/**/*.d.ts', '!dist/cli', 'bin/rxbtc.js']);
    expect(pkg.bin['rxbtc']).toBe('bin/rxbtc.js');
  });

  it('is free of side effects on import, bar the bin script (sideEffects lets bundlers drop unused modules)', () => {
    expect(pkg.sideEffects).toEqual(['./bin/rxbtc.js']);
    const effects = sources(join(root, 'lib')).flatMap(topLevelEffects);
    // Each fills or trims a table of its own module, or refuses a big-endian host for the file store: nothing outside
    // the module changes, so a bundler may drop any of them when nothing imported from it is used.
    expect(effects.map((e) => e.slice(0, e.indexOf(':')))).toEqual([
      'lib/chain/file-header-store.ts',
      'lib/peer/detect-stalls.ts',
      'lib/v2/contents.ts',
      'lib/wire/frame.ts',
    ]);
  });
});
