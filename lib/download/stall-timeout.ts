import { MAX_STALL_TIMEOUT, STALL_TIMEOUT, STALL_TIMEOUT_DECAY } from './download-constants.js';

/**
 * The stall timeout as Bitcoin Core keeps it: it doubles after each stall
 * (up to {@link MAX_STALL_TIMEOUT}), so that a slow local link does not get
 * every peer dismissed in turn, and shrinks by {@link STALL_TIMEOUT_DECAY}
 * towards its base while items arrive in order.
 */
export class StallTimeout {
  private readonly base: number;
  private value: number;

  /** @param base - the timeout to start from and come back to, ms @default 2000 */
  constructor(base = STALL_TIMEOUT) {
    this.base = base;
    this.value = base;
  }

  /** The timeout now, ms. */
  get current(): number {
    return this.value;
  }

  /** A worker was dismissed for a stall: double; returns the timeout it was dismissed under. */
  stalled(): number {
    const was = this.value;
    this.value = Math.min(MAX_STALL_TIMEOUT, this.value * 2);
    return was;
  }

  /** Items came in order since the last check: shrink towards the base. */
  advanced(): void {
    this.value = Math.max(this.base, this.value * STALL_TIMEOUT_DECAY);
  }
}
