import { randomBytes } from 'node:crypto';
import { hashToHex, txid, type Transaction } from '../../lib/index.js';
import { ConfirmationWatcher } from '../../lib/notify/confirmation-watcher.js';
import type { ConfirmationEvent, SpendEvent, UtxoAnswer } from '../../lib/notify/notify-events.js';
import { SpendWatcher } from '../../lib/notify/spend-watcher.js';
import { UtxoWatcher } from '../../lib/notify/utxo-watcher.js';
import type { BlockPlace } from '../../lib/notify/watcher.js';
import { WatcherRegistry } from '../../lib/notify/watcher-registry.js';

/** The registrations' state machines and the registry, without a network: blocks and tips handed in by the test. */
const S = Uint8Array.from([0x00, 0x14, ...randomBytes(20)]);
const T = Uint8Array.from([0x00, 0x14, ...randomBytes(20)]);
const pay = (script: Uint8Array, salt: number): Transaction => ({
  version: 2,
  inputs: [{ txid: Uint8Array.from(randomBytes(32)), vout: salt, script: new Uint8Array(0), sequence: 0, witness: [] }],
  outputs: [{ value: 1000n, script }],
  lockTime: 0,
});
const spending = (from: Transaction, vouts: number[]): Transaction => ({
  version: 2,
  inputs: vouts.map((vout) => ({ txid: txid(from), vout, script: new Uint8Array(0), sequence: 0, witness: [] })),
  outputs: [{ value: 900n, script: T }],
  lockTime: 0,
});
const at = (height: number): BlockPlace => ({ height, blockHash: `${height}`.padStart(64, '0'), proof: { kind: 'block', index: 1 } });

/** A watcher's context on a chain whose height the test moves. */
function context<E>(): { height: number; events: E[]; finished: number; ctx: { height(): number; emit(e: E): void; finish(): void } } {
  const c = {
    height: 100,
    events: [] as E[],
    finished: 0,
    ctx: {
      height: () => c.height,
      emit: (e: E) => void c.events.push(e),
      finish: () => {
        c.finished++;
      },
    },
  };
  return c;
}

describe('ConfirmationWatcher', () => {
  it('tells each count to the depth once, reorged when its block leaves, and counts again from where it is found next', () => {
    const tx = pay(S, 0);
    const id = hashToHex(txid(tx));
    const c = context<ConfirmationEvent>();
    const w = new ConfirmationWatcher({ txid: id, script: S, depth: 3, heightHint: 90 }, c.ctx);
    w.saw(tx, id, undefined); // unconfirmed: nothing
    c.height = 101;
    w.saw(tx, id, at(100)); // found 2 deep: 1 and 2 at once
    w.saw(tx, id, at(100)); // seen again (a later pass): nothing
    expect(c.events.map((e) => (e.type === 'confirmation' ? e.confirmations : e.type))).toEqual([1, 2]);
    w.disconnected(new Set([at(100).blockHash]));
    w.tip(101); // nothing to count
    w.saw(tx, id, at(101));
    w.tip(103);
    expect(c.events.map((e) => (e.type === 'confirmation' ? `${e.confirmations}@${e.height}` : e.type))).toEqual([
      '1@100',
      '2@100',
      'reorged',
      '1@101',
      '2@101',
      '3@101',
    ]);
    expect(w.done).toBe(true);
    expect(c.finished).toBe(1);
  });

  it('ignores a transaction with that id whose outputs do not hold the script, and validates what it is asked', () => {
    const tx = pay(T, 1);
    const id = hashToHex(txid(tx));
    const c = context<ConfirmationEvent>();
    new ConfirmationWatcher({ txid: id, script: S, heightHint: 1 }, c.ctx).saw(tx, id, at(100));
    expect(c.events).toEqual([]);
    expect(() => new ConfirmationWatcher({ txid: 'zz', script: S, heightHint: 1 }, c.ctx)).toThrow(TypeError);
    expect(() => new ConfirmationWatcher({ txid: id, script: S, heightHint: 1, depth: 0 }, c.ctx)).toThrow(RangeError);
    expect(() => new ConfirmationWatcher({ txid: id, script: S, heightHint: -1 }, c.ctx)).toThrow(RangeError);
  });
});

describe('SpendWatcher', () => {
  it('tells the mempool spend once, then the spend in its block with the input index; done at depth; reorged when the block leaves', () => {
    const funding = pay(S, 2);
    const spender = spending(funding, [1, 0]);
    const sid = hashToHex(txid(spender));
    const c = context<SpendEvent>();
    const w = new SpendWatcher({ outpoint: `${hashToHex(txid(funding))}:0`, script: S, heightHint: 90, depth: 2 }, c.ctx);
    w.saw(spender, sid, undefined);
    w.saw(spender, sid, undefined); // announced again: nothing
    c.height = 100;
    w.saw(spender, sid, at(100));
    expect(w.done).toBe(false);
    w.disconnected(new Set([at(100).blockHash]));
    w.saw(spender, sid, at(101));
    w.tip(102);
    expect(w.done).toBe(true);
    expect(c.finished).toBe(1);
    expect(c.events.map((e) => `${e.type}#${e.type === 'spent' ? e.inputIndex : '-'}@${e.height ?? 'mempool'}`)).toEqual([
      'spent#1@mempool',
      'spent#1@100',
      'reorged#-@100',
      'spent#1@101',
    ]);
  });
});

describe('UtxoWatcher', () => {
  it('answers once caught up: unspent with the output, spent by whom, or missing; a block that left takes its part away', () => {
    const funding = pay(S, 3);
    const fid = hashToHex(txid(funding));
    const answers: UtxoAnswer[] = [];
    const make = (): UtxoWatcher =>
      new UtxoWatcher(
        { outpoint: `${fid}:0`, script: S, heightHint: 1 },
        { height: () => 0, emit: (a) => void answers.push(a), finish: () => undefined },
      );
    const a = make();
    a.saw(funding, fid, at(50));
    a.caughtUp(60);
    const b = make();
    b.saw(funding, fid, at(50));
    const spender = spending(funding, [0]);
    b.saw(spender, hashToHex(txid(spender)), at(55));
    b.disconnected(new Set([at(55).blockHash]));
    b.saw(spender, hashToHex(txid(spender)), at(56));
    b.caughtUp(60);
    b.caughtUp(61); // answered once
    const c = make();
    c.caughtUp(60);
    expect(answers.map((x) => `${x.status}@${x.status === 'missing' ? '-' : x.height}/${x.tip}`)).toEqual([
      'unspent@50/60',
      'spent@56/60',
      'missing@-/60',
    ]);
  });
});

describe('WatcherRegistry', () => {
  it('hands a transaction only to the registrations it concerns, keeps one copy of each script, and forgets what leaves', () => {
    const registry = new WatcherRegistry();
    const funding = pay(S, 4);
    const fid = hashToHex(txid(funding));
    const conf = context<ConfirmationEvent>();
    const spend = context<SpendEvent>();
    const a = new ConfirmationWatcher({ txid: fid, script: S, heightHint: 1 }, conf.ctx);
    const b = new SpendWatcher({ outpoint: `${fid}:0`, script: S, heightHint: 1 }, spend.ctx);
    registry.add(a);
    registry.add(b);
    expect(registry.scripts).toEqual([S]);
    expect(registry.lowestNeed).toBe(1);
    registry.searchTx(pay(S, 5), { ...at(100) }); // a stranger paying the same script: nobody's
    registry.searchTx(funding, at(100));
    registry.searchTx(spending(funding, [0]));
    expect(conf.events).toHaveLength(1);
    expect(spend.events).toHaveLength(1);
    registry.reorganised(99, [at(100).blockHash]);
    expect(conf.events.at(-1)).toMatchObject({ type: 'reorged' });
    expect(a.needs.first).toBe(1); // nothing was checked: the hint still
    registry.remove(a);
    registry.remove(b);
    expect(registry.scripts).toEqual([]);
    expect(registry.size).toBe(0);
    expect(registry.lowestNeed).toBe(Infinity);
  });
});
