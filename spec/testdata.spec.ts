import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { DATA_DIR } from './helpers/data.js';

const ROOT = resolve(__dirname, '..');

/** Every row of testdata/README.md's table: file name and sha256. */
function listed(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of readFileSync(join(DATA_DIR, 'README.md'), 'utf8').split('\n')) {
    const m = /^\| `([^`]+)` \|.*\| ([0-9a-f]{64}) \|$/.exec(line);
    if (m) rows.set(m[1]!, m[2]!);
  }
  return rows;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('testdata', () => {
  const rows = listed();

  it('lists every file it holds, and holds every file it lists, with the stated sha256', () => {
    const present = filesUnder(DATA_DIR)
      .map((f) => relative(DATA_DIR, f))
      .filter((f) => f !== 'README.md')
      .sort();
    expect(present).toEqual([...rows.keys()].sort());
    for (const [name, sha] of rows) {
      expect(
        `${name} ${createHash('sha256')
          .update(readFileSync(join(DATA_DIR, name)))
          .digest('hex')}`,
      ).toBe(`${name} ${sha}`);
    }
  });

  it('is the only data the code reads: nothing reaches outside the repository', () => {
    const offenders = ['lib', 'spec', 'bench', 'fuzz', 'demos']
      .flatMap((d) => filesUnder(join(ROOT, d)))
      .filter((f) => /\.(ts|js|ipynb|sh|py)$/.test(f))
      .filter((f) => /\.\.\/shared|RXBTC_DATA|'\.\.', '\.\.', '\.\.'/.test(readFileSync(f, 'utf8')) && !f.endsWith('testdata.spec.ts'))
      .map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });
});
