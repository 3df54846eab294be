import { VirtualTimeScheduler } from 'rxjs';
import { LinkPacer, MAX_PIECE, ShapedDirection, WINDOW_MARGIN } from '../helpers/simnet/index.js';

/** A direction on a virtual clock between a recording far end and a source whose pauses are logged. */
function rig(bandwidth: number, latencyMs: number) {
  const clock = new VirtualTimeScheduler();
  const delivered: [number, number][] = [];
  const flow: [number, 'pause' | 'resume'][] = [];
  const told: [number, string][] = [];
  let backlog = 0;
  let sinkTakes = true;
  const direction = new ShapedDirection(new LinkPacer({ bandwidth, latencyMs }), clock, {
    deliver: (b) => {
      delivered.push([clock.now(), b.length]);
      if (!sinkTakes) backlog += b.length;
    },
    backlog: () => backlog,
    pause: () => flow.push([clock.now(), 'pause']),
    resume: () => flow.push([clock.now(), 'resume']),
    exhausted: () => told.push([clock.now(), 'exhausted']),
    finished: () => told.push([clock.now(), 'finished']),
  });
  /** Run every timer due up to `t`, then stand at `t`. */
  const runTo = (t: number): void => {
    clock.maxFrames = t;
    clock.flush();
    clock.frame = t;
  };
  const stopTaking = (): void => void (sinkTakes = false);
  const takeAll = (): void => {
    backlog = 0;
    sinkTakes = true;
  };
  return { clock, direction, delivered, flow, told, runTo, stopTaking, takeAll };
}

const KiB = 1024;

describe('ShapedDirection (virtual time)', () => {
  it('cuts a chunk into pieces and delivers each when the pacer says', () => {
    const { direction, delivered, runTo } = rig(16 * KiB, 100);
    direction.push(new Uint8Array(40 * KiB));
    runTo(10_000);
    expect(delivered).toEqual([
      [1100, MAX_PIECE],
      [2100, MAX_PIECE],
      [2600, 8 * KiB],
    ]);
  });

  it('times a chunk pushed later from when it arrived', () => {
    const { direction, delivered, runTo } = rig(1000, 50);
    direction.push(new Uint8Array(100));
    runTo(1000);
    direction.push(new Uint8Array(200));
    runTo(5000);
    expect(delivered).toEqual([
      [150, 100],
      [1250, 200],
    ]);
  });

  it('pauses its source above a window and reads again once it drains', () => {
    const { direction, flow, runTo } = rig(16 * KiB, 100);
    const window = Math.ceil(16 * KiB * 0.1) + WINDOW_MARGIN; // 67,175 bytes
    direction.push(new Uint8Array(100 * KiB));
    expect(direction.holding).toBeGreaterThan(window);
    runTo(10_000);
    // 102,400 held; after three pieces (3.1 s) 53,248 are, under the window
    expect(flow).toEqual([
      [0, 'pause'],
      [3100, 'resume'],
    ]);
  });

  it('counts what the far end has not taken, and reads again when it drains', () => {
    const { direction, flow, runTo, stopTaking, takeAll } = rig(64 * KiB, 10);
    stopTaking();
    for (let t = 0; t < 5000; t += 100) {
      runTo(t);
      if (flow.at(-1)?.[1] !== 'pause') direction.push(new Uint8Array(8 * KiB));
    }
    runTo(10_000);
    expect(flow.map(([, what]) => what)).toEqual(['pause']);
    expect(direction.holding + direction.delivered).toBeLessThanOrEqual(Math.ceil(64 * KiB * 0.01) + WINDOW_MARGIN + 8 * KiB);
    takeAll();
    direction.poke();
    expect(flow.map(([, what]) => what)).toEqual(['pause', 'resume']);
  });

  it('delivers exactly its budget, says so once, and goes on when the budget is lifted', () => {
    const { direction, delivered, told, runTo } = rig(100 * KiB, 20);
    direction.setBudget(20_000);
    direction.push(new Uint8Array(50_000));
    runTo(5000);
    expect(delivered.reduce((s, [, n]) => s + n, 0)).toBe(20_000);
    expect(told).toEqual([[expect.any(Number), 'exhausted']]);
    direction.setBudget(Infinity);
    runTo(10_000);
    expect(direction.delivered).toBe(50_000);
    expect(told).toHaveLength(1);
  });

  it('holds everything with a budget of 0 and stays bounded', () => {
    const { direction, flow, runTo } = rig(1000 * KiB, 10);
    direction.setBudget(0);
    for (let i = 0; i < 100; i++) if (flow.at(-1)?.[1] !== 'pause') direction.push(new Uint8Array(16 * KiB));
    runTo(60_000);
    expect(direction.delivered).toBe(0);
    expect(flow).toEqual([[0, 'pause']]);
    expect(direction.holding).toBeLessThanOrEqual(Math.ceil(1000 * KiB * 0.01) + WINDOW_MARGIN + 16 * KiB);
  });

  it('says finished once what its source sent before ending has arrived', () => {
    const { direction, told, runTo } = rig(1000, 30);
    direction.push(new Uint8Array(500));
    direction.end();
    runTo(529);
    expect(told).toEqual([]);
    runTo(530);
    expect(told).toEqual([[530, 'finished']]);
  });

  it('drops what it holds when closed', () => {
    const { direction, delivered, runTo } = rig(1000, 30);
    direction.push(new Uint8Array(500));
    direction.close();
    runTo(10_000);
    expect(delivered).toEqual([]);
    expect(direction.holding).toBe(0);
  });
});
