import { spawnSync } from 'node:child_process';
import { CLI_HEAP_FLAGS, YOUNG_GENERATION_CAP, sizeHeap } from '../../lib/cli/heap-policy.js';

/**
 * New space (bytes) after allocating short-lived objects in batches of about 250 kB (each batch a task of
 * its own, as socket reads and decoded messages are) in a fresh node, with `setup` run first.
 */
function newSpaceAfterChurn(setup: string): number {
  const code = `
    const v8 = require('node:v8');
    ${setup}
    let keep = [];
    const batch = () => { for (let i = 0; i < 5e3; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 20000) keep = []; } };
    let n = 0;
    const next = () => { batch(); if (++n < 1200) setImmediate(next); else console.log(v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space').space_size); };
    next();`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

describe('the rxbtc process sizes its V8 heap', () => {
  it('leaves the heap alone when the user sized it or asked for V8’s defaults', () => {
    expect(sizeHeap({ execArgv: ['--max-old-space-size=64'], env: {} })).toEqual([]);
    expect(sizeHeap({ execArgv: [], env: { NODE_OPTIONS: '--max-semi-space-size=4' } })).toEqual([]);
    expect(sizeHeap({ execArgv: [], env: { RXBTC_V8_DEFAULTS: '1' }, oneShot: true })).toEqual([]);
  });

  it('caps the young generation at run time by its growth factor, read at each collection', () => {
    const capped = `
      const { PerformanceObserver } = require('node:perf_hooks');
      v8.setFlagsFromString(${JSON.stringify(CLI_HEAP_FLAGS.join(' '))});
      const size = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
      let f = 2;
      new PerformanceObserver(() => { const w = size() >= ${YOUNG_GENERATION_CAP} ? 1 : 2; if (w !== f) { v8.setFlagsFromString('--semi-space-growth-factor=' + w); f = w; } }).observe({ entryTypes: ['gc'] });`;
    expect(newSpaceAfterChurn('')).toBeGreaterThan(YOUNG_GENERATION_CAP);
    expect(newSpaceAfterChurn(capped)).toBeLessThanOrEqual(YOUNG_GENERATION_CAP);
  });
});
