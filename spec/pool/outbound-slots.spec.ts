import type { Peer } from '../../lib/peer/peer-api.js';
import type { AddressEntry } from '../../lib/pool/address-book.js';
import { BanList } from '../../lib/pool/ban-list.js';
import { NamedPeers } from '../../lib/pool/named-peers.js';
import { netgroup } from '../../lib/pool/netgroup.js';
import { OutboundSlots } from '../../lib/pool/outbound-slots.js';
import type { PoolPeer } from '../../lib/pool/pool-events.js';

const NOW = 1_000_000;
const entry = (host: string, port = 18444, nextAttempt = 0): AddressEntry => ({
  host,
  port,
  services: 0n,
  timestamp: 0,
  source: 'test',
  attempts: 0,
  lastAttempt: 0,
  lastSuccess: 0,
  nextAttempt,
  tried: false,
  fixed: false,
});
const member = (host: string, inbound = false): PoolPeer => ({
  peer: {} as Peer,
  address: { host, port: 18444 },
  inbound,
  netgroup: netgroup(host),
});

function world(proxy = false) {
  const named = new NamedPeers([
    { host: '127.9.0.1', port: 18444 },
    { host: '127.9.0.1', port: 18445 },
  ]);
  const members = new Map<object, PoolPeer>();
  const bans = new BanList();
  const slots = new OutboundSlots({ named, members, bans: () => bans, proxy, now: () => NOW });
  return { slots, members, bans };
}

describe('OutboundSlots', () => {
  it('holds a slot for each named endpoint not yet connected, and counts connected and dialling ones', () => {
    const { slots, members } = world();
    expect(slots.count()).toBe(2);
    members.set({}, member('127.9.0.1'));
    members.set({}, member('127.4.0.1', true)); // inbound: no outbound slot
    expect(slots.namedPending()).toBe(1);
    slots.dialing.set('127.5.0.1:18444', { group: netgroup('127.5.0.1'), services: 0n });
    expect(slots.count()).toBe(3);
  });

  it('lets the pool pick only free endpoints and netgroups whose backoff is over, never a named one', () => {
    const { slots, members } = world();
    members.set({}, member('127.6.0.1'));
    const taken = slots.taken();
    expect(slots.eligible(entry('127.7.0.1'), taken)).toBe(true);
    expect(slots.eligible(entry('127.6.0.2'), taken)).toBe(false); // the netgroup of a peer held
    expect(slots.eligible(entry('127.7.0.1', 18444, NOW + 1), taken)).toBe(false); // backing off
    expect(slots.eligible(entry('127.9.0.1'), taken)).toBe(false); // named: dialled as such
    expect(slots.namedDue(entry('127.9.0.1', 18445), taken)).toBe(true);
  });

  it('keeps banned hosts out, a named endpoint by its own ban only, and overlays without a proxy', () => {
    const { slots, bans } = world();
    bans.ban('127.9.0.1', NOW + 1000, 'lied', 18444);
    expect(slots.allowed({ host: '127.9.0.1', port: 18444 })).toBe(false);
    expect(slots.allowed({ host: '127.9.0.1', port: 18445 })).toBe(true);
    expect(slots.namedPending()).toBe(1);
    bans.ban('127.8.0.1', NOW + 1000, 'lied');
    expect(slots.allowed({ host: '127.8.0.1', port: 1 })).toBe(false);
    expect(slots.allowed({ host: 'abc.onion', port: 8333 })).toBe(false);
    expect(world(true).slots.allowed({ host: 'abc.onion', port: 8333 })).toBe(true);
  });
});
