import { seededRandom } from './seeded-random.js';

/** One direction of a simulated link, as {@link LinkPacer} times it. */
export interface PacerOptions {
  /** Bandwidth, bytes per second (the serialisation rate). */
  bandwidth: number;
  /** One-way latency, ms. */
  latencyMs: number;
  /** Extra delay per chunk, drawn uniformly from [0, jitterMs), ms; it never reorders bytes. @default 0 */
  jitterMs?: number;
  /** Numbers in [0, 1) for the jitter. @default seededRandom(1) */
  random?: () => number;
  /** Slow start: the bandwidth ramps linearly from {@link SLOW_START_FLOOR} of itself to all of it over this many ms. @default 0 */
  slowStartMs?: number;
  /** When the link opened, on the clock the times are given in (the slow start's origin), ms. @default 0 */
  startedAt?: number;
}

/** The share of the bandwidth a slow-starting link begins with. */
export const SLOW_START_FLOOR = 1 / 20;

/**
 * When each chunk of one direction of a link arrives — pure arithmetic on
 * times the caller gives, so it is tested exactly without a clock. A chunk
 * of n bytes handed over at `now` starts leaving when the link is free
 * (`max(now, end of the previous chunk)`), takes n / bandwidth to leave,
 * then arrives latency (+ jitter) later, never before the chunk ahead of it.
 */
export class LinkPacer {
  /** Bandwidth, bytes per second. */
  readonly bandwidth: number;
  /** One-way latency, ms. */
  readonly latencyMs: number;
  /** Largest jitter, ms. */
  readonly jitterMs: number;
  private readonly random: () => number;
  private readonly slowStartMs: number;
  private readonly startedAt: number;
  private busyUntil = -Infinity;
  private lastArrival = -Infinity;

  /** @throws RangeError for a bandwidth that is not positive and finite, or a negative or non-finite time */
  constructor(options: PacerOptions) {
    const { bandwidth, latencyMs, jitterMs = 0, slowStartMs = 0, startedAt = 0 } = options;
    if (!(bandwidth > 0) || !Number.isFinite(bandwidth)) throw new RangeError(`bandwidth ${bandwidth} is not a positive number`);
    for (const [name, v] of [
      ['latencyMs', latencyMs],
      ['jitterMs', jitterMs],
      ['slowStartMs', slowStartMs],
    ] as const) {
      if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`${name} ${v} is not a time ≥ 0`);
    }
    this.bandwidth = bandwidth;
    this.latencyMs = latencyMs;
    this.jitterMs = jitterMs;
    this.random = options.random ?? seededRandom(1);
    this.slowStartMs = slowStartMs;
    this.startedAt = startedAt;
  }

  /** Bytes per second the link sends at time `t` (less than the bandwidth during a slow start). */
  rateAt(t: number): number {
    if (this.slowStartMs === 0) return this.bandwidth;
    const share = Math.min(1, Math.max(SLOW_START_FLOOR, (t - this.startedAt) / this.slowStartMs));
    return this.bandwidth * share;
  }

  /**
   * Book a chunk on the link.
   * @param size - bytes
   * @param now - when it is handed over, ms (never earlier than a previous call's)
   * @returns when it arrives at the far end, ms
   */
  schedule(size: number, now: number): number {
    this.busyUntil = this.leaveTime(Math.max(now, this.busyUntil), size);
    const jitter = this.jitterMs === 0 ? 0 : this.random() * this.jitterMs;
    this.lastArrival = Math.max(this.lastArrival, this.busyUntil + this.latencyMs + jitter);
    return this.lastArrival;
  }

  /**
   * When `size` bytes that start leaving at `start` have left: exact over the slow start's three stretches (the
   * floor rate, the linear ramp, the full rate), so a piece sent while the rate climbs is not timed at its first rate.
   */
  private leaveTime(start: number, size: number): number {
    const perMs = this.bandwidth / 1000;
    let t = start;
    let left = size;
    const floorEnd = this.startedAt + SLOW_START_FLOOR * this.slowStartMs;
    if (t < floorEnd) {
      const room = (floorEnd - t) * perMs * SLOW_START_FLOOR;
      if (left <= room) return t + left / (perMs * SLOW_START_FLOOR);
      left -= room;
      t = floorEnd;
    }
    const rampEnd = this.startedAt + this.slowStartMs;
    if (t < rampEnd) {
      // Bytes sent from t to x while ramping: perMs / T × ((x − t0)² − (t − t0)²) / 2.
      const sent = (x: number): number => ((perMs / this.slowStartMs) * ((x - this.startedAt) ** 2 - (t - this.startedAt) ** 2)) / 2;
      if (left <= sent(rampEnd)) return this.startedAt + Math.sqrt((t - this.startedAt) ** 2 + (2 * left * this.slowStartMs) / perMs);
      left -= sent(rampEnd);
      t = rampEnd;
    }
    return t + left / perMs;
  }

  /** Bytes that fit in flight: the bandwidth-delay product (latency plus the largest jitter). */
  get bandwidthDelay(): number {
    return Math.ceil((this.bandwidth * (this.latencyMs + this.jitterMs)) / 1000);
  }
}
