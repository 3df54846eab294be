import { spawnSync } from 'node:child_process';
import { CLI_HEAP_FLAGS, sizeHeap } from '../../lib/cli/heap-policy.js';

/** New space (MB) after allocating short-lived objects in a fresh node, with `flags` set at run time as sizeHeap does. */
function newSpaceAfterChurn(flags: readonly string[]): number {
  const code = `
    const v8 = require('node:v8');
    v8.setFlagsFromString(${JSON.stringify(flags.join(' '))});
    let keep = [];
    for (let i = 0; i < 2e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 5000) keep = []; }
    const s = v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
    console.log(s.space_size / 1048576);`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

describe('the rxbtc process sizes its V8 heap', () => {
  it('leaves the heap alone when the user sized it or asked for V8’s defaults', () => {
    expect(sizeHeap({ execArgv: ['--max-old-space-size=64'], env: {} })).toEqual([]);
    expect(sizeHeap({ execArgv: [], env: { NODE_OPTIONS: '--max-semi-space-size=4' } })).toEqual([]);
    expect(sizeHeap({ execArgv: [], env: { RXBTC_V8_DEFAULTS: '1' }, oneShot: true })).toEqual([]);
  });

  it('keeps the young generation at its first size when set at run time (V8 reads the growth factor at each collection)', () => {
    expect(newSpaceAfterChurn([])).toBeGreaterThanOrEqual(8);
    expect(newSpaceAfterChurn(CLI_HEAP_FLAGS)).toBeLessThanOrEqual(2);
  });
});
