import { connect, type Socket } from 'node:net';
import type { SchedulerLike, Subscription } from 'rxjs';
import type { SimFaults } from './faults.js';
import { LinkPacer } from './link-pacer.js';
import { ShapedDirection } from './shaped-direction.js';

/** A simulated peer's link to its clients. */
export interface LinkSpec {
  /** One-way latency, ms (each direction). */
  latencyMs: number;
  /** Largest extra delay per chunk, ms; bytes are never reordered. @default 0 */
  jitterMs?: number;
  /** Bytes per second: `down` toward the client, `up` toward the upstream. */
  bandwidth: { down: number; up: number };
}

/** Where a connection's delivered bytes are counted. */
export interface ByteCounters {
  /** Bytes delivered to the client. */
  down(n: number): void;
  /** Bytes delivered to the upstream. */
  up(n: number): void;
}

/** What a {@link SimConnection} is made of. */
export interface SimConnectionOptions {
  /** The accepted socket, paused. */
  client: Socket;
  /** Where its bytes go. */
  upstream: { host: string; port: number };
  /** Latency and bandwidth. */
  link: LinkSpec;
  /** Faults in force when it was accepted. */
  faults: SimFaults;
  /** The clock. */
  scheduler: SchedulerLike;
  /** Jitter draws. */
  random: () => number;
  /** Counts delivered bytes. */
  counters: ByteCounters;
  /** Told once when the connection is gone. */
  onClosed: () => void;
}

/**
 * One accepted connection of a simulated peer, forwarded to the upstream
 * through two {@link ShapedDirection}s, with the peer's faults applied:
 * stall and close-mid-message as a budget on the down direction, silence
 * as a budget of 0 both ways, drops as a timer from when it opened.
 */
export class SimConnection {
  private readonly client: Socket;
  private readonly upstream: Socket;
  private readonly down: ShapedDirection;
  private readonly up: ShapedDirection;
  private readonly openedAt: number;
  private readonly timers: Subscription[] = [];
  private faults: SimFaults;
  private silent = false;
  private gone = false;
  private readonly options: SimConnectionOptions;

  constructor(options: SimConnectionOptions) {
    this.options = options;
    const { client, link, faults, scheduler, random, counters } = options;
    this.client = client;
    this.faults = faults;
    this.openedAt = scheduler.now();
    this.upstream = connect({ ...options.upstream, allowHalfOpen: true });
    const pacer = (bandwidth: number): LinkPacer =>
      new LinkPacer({
        bandwidth,
        latencyMs: link.latencyMs,
        jitterMs: link.jitterMs ?? 0,
        random,
        slowStartMs: faults.slowStartMs ?? 0,
        startedAt: this.openedAt,
      });
    const { upstream } = this;
    this.down = new ShapedDirection(pacer(link.bandwidth.down), scheduler, {
      deliver: (b) => {
        counters.down(b.length);
        client.write(b);
      },
      backlog: () => client.writableLength,
      pause: () => upstream.pause(),
      resume: () => upstream.resume(),
      exhausted: () => this.onExhausted(),
      finished: () => client.end(),
    });
    this.up = new ShapedDirection(pacer(link.bandwidth.up), scheduler, {
      deliver: (b) => {
        counters.up(b.length);
        upstream.write(b);
      },
      backlog: () => upstream.writableLength,
      pause: () => client.pause(),
      resume: () => client.resume(),
      finished: () => upstream.end(),
    });
    this.wire();
    this.setFaults(faults);
    client.resume();
  }

  /** Apply a new fault set (slow start excepted: it shapes a connection from its start). */
  setFaults(faults: SimFaults): void {
    this.faults = faults;
    for (const t of this.timers.splice(0)) t.unsubscribe();
    this.silent = false;
    this.at(faults.silentAfterMs, () => {
      this.silent = true;
      this.budgets();
    });
    this.at(faults.dropEveryMs, () => this.destroy());
    this.budgets();
  }

  /** Close both sockets now. */
  destroy(): void {
    if (this.gone) return;
    this.gone = true;
    for (const t of this.timers.splice(0)) t.unsubscribe();
    this.down.close();
    this.up.close();
    this.client.destroy();
    this.upstream.destroy();
    this.options.onClosed();
  }

  private wire(): void {
    const { client, upstream, down, up } = this;
    client.on('data', (b: Buffer) => up.push(b));
    upstream.on('data', (b: Buffer) => down.push(b));
    client.on('drain', () => down.poke());
    upstream.on('drain', () => up.poke());
    client.on('end', () => up.end());
    upstream.on('end', () => down.end());
    // The client gone: nothing more can reach it. The upstream gone cleanly: what is on its way still arrives.
    client.on('close', () => this.destroy());
    upstream.on('close', (hadError) => (hadError ? this.destroy() : down.end()));
    client.on('error', () => this.destroy());
    upstream.on('error', () => this.destroy());
  }

  /** Run `then` once the connection is `ms` old (now if it already is); nothing for undefined. */
  private at(ms: number | undefined, then: () => void): void {
    if (ms === undefined) return;
    const { scheduler } = this.options;
    this.timers.push(scheduler.schedule(then, Math.max(0, this.openedAt + ms - scheduler.now())));
  }

  private budgets(): void {
    if (this.gone) return;
    const { stallAfterBytes = Infinity, closeAfterBytes = Infinity } = this.faults;
    this.up.setBudget(this.silent ? 0 : Infinity);
    this.down.setBudget(this.silent ? 0 : Math.max(0, Math.min(stallAfterBytes, closeAfterBytes) - this.down.delivered));
  }

  private onExhausted(): void {
    const { closeAfterBytes } = this.faults;
    if (closeAfterBytes !== undefined && this.down.delivered >= closeAfterBytes) this.destroy();
  }
}
