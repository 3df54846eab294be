import { INITIAL_RATE, INITIAL_ROUND_TRIP } from './download-constants.js';

/**
 * Least span of busy transfer one rate sample covers, ms. Bytes come in
 * bursts (one socket read holds many items, a slow link's packets arrive
 * apart): a sample shorter than this would see a burst's bytes in almost
 * no time and take a slow link for a fast one.
 */
const MIN_SAMPLE = 100;
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
  /** Bytes and ms of the samples folded in (each decayed as newer ones come). */
  private bytes = 0;
  private ms = 0;
  /** The sample being gathered. */
  private openBytes = 0;
  private openMs = 0;
  /** Everything delivered and the time it took, waits included: a rate too low, used until a sample is complete. */
  private earlyBytes = 0;
  private earlyMs = 0;
  private rtt: number | undefined;
  private readonly hint: () => number | undefined;

  /** @param hint - a round trip measured by other means (a ping), used until one is measured here */
  constructor(hint: () => number | undefined = () => undefined) {
    this.hint = hint;
  }

  /**
   * Bytes per ms: from the samples of at least 100 ms of
   * busy transfer; before the first is complete, what arrived over the time
   * it took, round trips included (too low, so a slow link is not handed a
   * large request before it was measured); before anything arrived,
   * {@link INITIAL_RATE}.
   */
  get rate(): number {
    if (this.ms > 0) return Math.max(this.bytes / this.ms, 1e-3);
    return this.earlyMs > 0 ? Math.max(this.earlyBytes / this.earlyMs, 1e-3) : INITIAL_RATE / 1000;
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
    this.earlyBytes += bytes;
    this.earlyMs += ms;
    this.openBytes += bytes;
    this.openMs += ms;
    if (this.openMs < MIN_SAMPLE) return;
    const keep = Math.exp(-this.openMs / RATE_MEMORY);
    this.bytes = this.bytes * keep + this.openBytes;
    this.ms = this.ms * keep + this.openMs;
    this.openBytes = 0;
    this.openMs = 0;
  }

  /** A request's first item took `ms` from the request to arrive, of which `transferMs` was its own transfer. */
  firstItem(ms: number, transferMs: number): void {
    this.earlyBytes += transferMs * this.rate;
    this.earlyMs += ms;
    const sample = Math.max(0, ms - transferMs);
    this.rtt = this.rtt === undefined ? sample : this.rtt + (sample - this.rtt) * ROUND_TRIP_WEIGHT;
  }
}
