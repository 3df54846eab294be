import { HDKey } from '@scure/bip32';
import { GcsFilter, Keychains, networks, parseDescriptor } from '../../lib/index.js';
import { oneAtATime } from '../../lib/spv/one-at-a-time.js';
import { ScriptLookahead } from '../../lib/spv/script-lookahead.js';
import { SecondPasses } from '../../lib/spv/second-passes.js';

const account = HDKey.fromMasterSeed(
  Uint8Array.from({ length: 32 }, (_, i) => i + 7),
  { private: 0x04358394, public: 0x043587cf },
).derive("m/84'/1'/0'");
const descriptor = parseDescriptor(`wpkh(${account.publicExtendedKey}/<0;1>/*)`, networks.regtest);
const key = new Uint8Array(32).fill(3);

/** Keychains of gap 5 (0…4 derived), a lookahead of 10 (5…14 matched ahead). */
async function setup(): Promise<{ keychains: Keychains; lookahead: ScriptLookahead }> {
  const keychains = new Keychains([descriptor], 5);
  const lookahead = new ScriptLookahead(keychains, 10);
  await lookahead.prepare();
  return { keychains, lookahead };
}

describe('ScriptLookahead and SecondPasses', () => {
  it('matches the next indices ahead, remembers where each hit, and owes nothing for scripts it covered', async () => {
    const { lookahead } = await setup();
    expect(lookahead.list.length).toBe(20); // 10 receive, 10 change
    const at = descriptor.scriptAt('receive', 9);
    lookahead.record(120, GcsFilter.build([at, Uint8Array.of(1, 2, 3)], key));
    lookahead.record(150, GcsFilter.build([Uint8Array.of(9)], key));
    const owed = new SecondPasses(lookahead, 100, 100);
    // receive 5…14 derived later (a payment to 9 used beyond the gap): only block 120 is needed, no second pass.
    const derived = Array.from({ length: 10 }, (_, i) => descriptor.scriptAt('receive', 5 + i));
    expect(owed.derived(derived)).toEqual([120]);
    expect(owed.take(500)).toBeUndefined();
  });

  it('owes a second pass for scripts beyond the lookahead, from the first height to what is scanned', async () => {
    const { lookahead } = await setup();
    const owed = new SecondPasses(lookahead, 100, 100);
    const beyond = [descriptor.scriptAt('receive', 15), descriptor.scriptAt('receive', 16)];
    expect(owed.derived(beyond)).toEqual([]);
    expect(owed.take(480)).toEqual({ scripts: beyond, from: 100, to: 480 });
    expect(owed.take(480)).toBeUndefined();
  });

  it('owes a pass over the blocks scanned before this watch began (a resumed wallet), even for covered scripts', async () => {
    const { lookahead } = await setup();
    const owed = new SecondPasses(lookahead, 100, 300); // birthday 100, this run scans from 300
    const covered = descriptor.scriptAt('change', 6);
    owed.derived([covered]);
    expect(owed.take(900)).toEqual({ scripts: [covered], from: 100, to: 299 });
  });
});

describe('oneAtATime', () => {
  it('starts a call once the one before settled, even when it failed', async () => {
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let n = 0;
    const run = oneAtATime(async () => {
      const me = ++n;
      log.push(`start ${me}`);
      if (me === 1) {
        await gate;
        throw new Error('first fails');
      }
      log.push(`end ${me}`);
      return me;
    });
    const first = run().catch((e: unknown) => (e as Error).message);
    const second = run();
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['start 1']); // the second waits for the first
    release();
    expect(await first).toBe('first fails');
    expect(await second).toBe(2);
    expect(log).toEqual(['start 1', 'start 2', 'end 2']);
  });
});
