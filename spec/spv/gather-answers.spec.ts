import { VirtualTimeScheduler } from 'rxjs';
import { GATHER_GRACE, GATHER_GRACE_FACTOR, gatherAnswers } from '../../lib/spv/gather-answers.js';

/** A client that answers `value` after `ms` of virtual time, fails, or never answers. */
interface Fake {
  name: string;
  ms?: number;
  fails?: boolean;
}

async function gather(clients: Fake[]): Promise<{ answered: string[]; failed: string[]; late: string[]; at: number }> {
  const clock = new VirtualTimeScheduler();
  const result = gatherAnswers(
    clients,
    (c) =>
      new Promise<string>((resolve, reject) => {
        if (c.ms === undefined) return; // silent
        clock.schedule(() => (c.fails ? reject(new Error(c.name)) : resolve(c.name)), c.ms);
      }),
    clock,
  );
  // Run virtual time one frame at a time, letting the promises settle in between.
  let done: Awaited<typeof result> | undefined;
  void result.then((r) => (done = r));
  for (let t = 0; t <= 60_000 && !done; t += 10) {
    clock.maxFrames = t;
    clock.flush();
    clock.frame = t;
    await new Promise((r) => setImmediate(r));
  }
  const r = done!;
  return {
    answered: r.answers.map((a) => a.value),
    failed: r.errors.map((e) => e.client.name),
    late: r.late.map((c) => c.name),
    at: clock.now(),
  };
}

describe('gatherAnswers', () => {
  it('takes every answer when all come in time', async () => {
    const r = await gather([
      { name: 'a', ms: 50 },
      { name: 'b', ms: 300 },
      { name: 'c', ms: 700 },
    ]);
    expect(r).toMatchObject({ answered: ['a', 'b', 'c'], failed: [], late: [] });
    expect(r.at).toBeLessThan(800); // done when the last came, no grace waited out
  });

  it('leaves out a silent peer a grace after the first answer, instead of waiting for its own timeout', async () => {
    const r = await gather([{ name: 'staller' }, { name: 'near', ms: 40 }, { name: 'far', ms: 600 }]);
    expect(r).toMatchObject({ answered: ['near', 'far'], late: ['staller'] });
    const grace = Math.max(GATHER_GRACE, GATHER_GRACE_FACTOR * 40);
    expect(r.at).toBeGreaterThanOrEqual(40 + grace);
    expect(r.at).toBeLessThan(40 + grace + 50);
  });

  it('collects failures apart, and gives a slow first answer a longer grace', async () => {
    const r = await gather([
      { name: 'x', ms: 10, fails: true },
      { name: 'slow', ms: 1000 },
      { name: 'slower', ms: 4500 },
    ]);
    expect(r).toMatchObject({ answered: ['slow', 'slower'], failed: ['x'], late: [] }); // 4 × 1000 ms after the first
  });
});
