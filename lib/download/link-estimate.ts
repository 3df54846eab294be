import { INITIAL_RATE, INITIAL_ROUND_TRIP } from './download-constants.js';

/** How fast old rate samples fade, ms: the rate describes about the last few seconds of transfer. */
const RATE_MEMORY = 2000;
/** Weight of a new round-trip sample. */
const ROUND_TRIP_WEIGHT = 0.3;

/**
 * What the scheduler knows of one worker's link: its rate (bytes per ms
 * while it was busy) and its round trip (from a request to the first item
 * back), each an average that forgets old samples.
 */
export class LinkEstimate {
  private bytes = 0;
  private ms = 0;
  private rtt: number | undefined;
  private readonly hint: () => number | undefined;

  /** @param hint - a round trip measured by other means (a ping), used until one is measured here */
  constructor(hint: () => number | undefined = () => undefined) {
    this.hint = hint;
  }

  /** Bytes per ms: measured, or {@link INITIAL_RATE} before anything was. */
  get rate(): number {
    return this.ms > 0 ? Math.max(this.bytes / this.ms, 1e-3) : INITIAL_RATE / 1000;
  }

  /** Whether a rate has been measured. */
  get measured(): boolean {
    return this.ms > 0;
  }

  /** Round trip, ms: measured, else the hint, else {@link INITIAL_ROUND_TRIP}. */
  get roundTrip(): number {
    return this.rtt ?? this.hint() ?? INITIAL_ROUND_TRIP;
  }

  /** `bytes` arrived `ms` after the previous item while the link was busy throughout (ms may be 0: one read, several items). */
  transfer(bytes: number, ms: number): void {
    const keep = Math.exp(-ms / RATE_MEMORY);
    this.bytes = this.bytes * keep + bytes;
    this.ms = this.ms * keep + ms;
  }

  /** A request's first item took `ms` from the request to arrive, of which `transferMs` was its own transfer. */
  firstItem(ms: number, transferMs: number): void {
    const sample = Math.max(0, ms - transferMs);
    this.rtt = this.rtt === undefined ? sample : this.rtt + (sample - this.rtt) * ROUND_TRIP_WEIGHT;
  }
}
