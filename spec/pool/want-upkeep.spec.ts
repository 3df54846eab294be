import { leastUsefulSlot, nextWantStep, wantShortfall, type OutboundSlot, type WantUpkeepState } from '../../lib/pool/want-upkeep.js';

const CF = 0x40n;
const slot = (peer: string, services: bigint, connectedAt: number, extra: Partial<OutboundSlot<string>> = {}): OutboundSlot<string> => ({
  peer,
  services,
  connectedAt,
  protected: false,
  leaving: false,
  ...extra,
});
const state = (over: Partial<WantUpkeepState<string, string>>): WantUpkeepState<string, string> => ({
  wants: [{ services: CF, count: 2 }],
  outbound: [],
  dialing: [],
  target: 3,
  max: 5,
  candidate: () => 'filter-address',
  blocked: () => undefined,
  ...over,
});

describe('want upkeep (pure)', () => {
  it('counts connected peers whose version has the bits and dials to addresses claiming them; not leaving peers', () => {
    const want = { services: CF, count: 4 };
    const outbound = [slot('a', 0x49n, 1), slot('b', 0x9n, 2), slot('c', 0x49n, 3, { leaving: true })];
    expect(wantShortfall(want, outbound, [0x49n, 0x1n])).toBe(2);
    expect(wantShortfall(want, outbound, [0x49n, 0x49n, 0x41n])).toBe(0);
  });

  it('gives up the newest peer that is not protected, not leaving, and has no wanted service', () => {
    const wants = [
      { services: CF, count: 2 },
      { services: 0x800n, count: 1 },
    ];
    const outbound = [
      slot('old', 0x9n, 1),
      slot('named', 0x9n, 9, { protected: true }),
      slot('filters', 0x49n, 8),
      slot('v2', 0x809n, 7),
      slot('going', 0x9n, 6, { leaving: true }),
      slot('newest', 0x1n, 5),
    ];
    expect(leastUsefulSlot(outbound, wants)?.peer).toBe('newest');
    expect(leastUsefulSlot(outbound.slice(0, 5), wants)?.peer).toBe('old');
    expect(leastUsefulSlot(outbound.slice(1, 5), wants)).toBeUndefined();
  });

  it('dials a wanted address while the target has room', () => {
    expect(nextWantStep(state({ outbound: [slot('a', 1n, 1)] }))).toMatchObject({ type: 'dial', address: 'filter-address' });
  });

  it('when the target is full, evicts the least useful peer rather than dialling beyond it', () => {
    const outbound = [slot('a', 1n, 1), slot('b', 1n, 3), slot('c', CF, 2)];
    expect(nextWantStep(state({ outbound }))).toMatchObject({ type: 'evict', peer: 'b', want: { services: CF } });
  });

  it('waits while a peer is leaving to make room', () => {
    const outbound = [slot('a', 1n, 1), slot('b', 1n, 3, { leaving: true }), slot('c', CF, 2)];
    expect(nextWantStep(state({ outbound }))).toBeUndefined();
  });

  it('dials beyond the target, up to max, when no slot can be given up', () => {
    const outbound = [slot('named', 1n, 1, { protected: true }), slot('f1', CF, 2), slot('f2', CF, 3)];
    expect(nextWantStep(state({ outbound, wants: [{ services: CF, count: 3 }] }))).toMatchObject({ type: 'dial' });
    const full = [...outbound, slot('f3', CF, 4), slot('f4', CF, 5)];
    expect(nextWantStep(state({ outbound: full, wants: [{ services: CF, count: 8 }] }))).toBeUndefined();
  });

  it('does nothing when the wants are met or no address claims the services', () => {
    const outbound = [slot('f1', CF, 2), slot('f2', CF | 1n, 3)];
    expect(nextWantStep(state({ outbound }))).toBeUndefined();
    expect(nextWantStep(state({ outbound: [], candidate: () => undefined }))).toBeUndefined();
  });

  it('gives up the peer whose netgroup alone keeps a candidate back, even below the target, unless it cannot be given up', () => {
    const outbound = [slot('old', 1n, 1), slot('in-the-way', 1n, 0)];
    const blocked = (): { address: string; by: string } => ({ address: 'filter-address', by: 'in-the-way' });
    expect(nextWantStep(state({ outbound, candidate: () => undefined, blocked }))).toMatchObject({ type: 'evict', peer: 'in-the-way' });
    const named = [slot('old', 1n, 1), slot('in-the-way', 1n, 0, { protected: true })];
    expect(nextWantStep(state({ outbound: named, candidate: () => undefined, blocked }))).toBeUndefined();
  });

  it('serves the first want that lacks peers and has a candidate', () => {
    const wants = [
      { services: CF, count: 1 },
      { services: 0x800n, count: 1 },
    ];
    const step = nextWantStep(state({ wants, candidate: (s) => (s === 0x800n ? 'v2-address' : undefined) }));
    expect(step).toMatchObject({ type: 'dial', address: 'v2-address', want: { services: 0x800n } });
  });
});
