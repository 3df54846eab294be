/**
 * The pool's inbound connections counted, in all and per netgroup, against
 * its limits (Core's share of `-maxconnections` for inbound peers, and its
 * eviction's bias against many peers from one netgroup, here as a cap).
 */
export class InboundSlots {
  private total = 0;
  private readonly groups = new Map<string, number>();
  private readonly max: number;
  private readonly maxPerGroup: number;

  /**
   * @param max - inbound connections held at most
   * @param maxPerGroup - of those, at most this many from one netgroup
   */
  constructor(max: number, maxPerGroup: number) {
    this.max = max;
    this.maxPerGroup = maxPerGroup;
  }

  /** Why a connection from `group` would be refused now, or undefined when it may take a slot. */
  refusal(group: string): string | undefined {
    if (this.total >= this.max) return `inbound limit (${this.max}) reached`;
    if ((this.groups.get(group) ?? 0) >= this.maxPerGroup) return `inbound limit per netgroup (${this.maxPerGroup}) reached`;
    return undefined;
  }

  /** A connection from `group` takes a slot. */
  take(group: string): void {
    this.total++;
    this.groups.set(group, (this.groups.get(group) ?? 0) + 1);
  }

  /** A connection from `group` gives its slot back. */
  release(group: string): void {
    this.total--;
    const n = (this.groups.get(group) ?? 0) - 1;
    if (n > 0) this.groups.set(group, n);
    else this.groups.delete(group);
  }
}
