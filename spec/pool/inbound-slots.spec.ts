import { InboundSlots } from '../../lib/pool/inbound-slots.js';

describe('InboundSlots', () => {
  it('refuses past the limit in all and per netgroup, and takes connections back as they leave', () => {
    const slots = new InboundSlots(3, 2);
    expect(slots.refusal('a')).toBeUndefined();
    slots.take('a');
    slots.take('a');
    expect(slots.refusal('a')).toBe('inbound limit per netgroup (2) reached');
    expect(slots.refusal('b')).toBeUndefined();
    slots.take('b');
    expect(slots.refusal('c')).toBe('inbound limit (3) reached');
    slots.release('a');
    expect(slots.refusal('c')).toBeUndefined();
    expect(slots.refusal('a')).toBeUndefined();
  });
});
