import { readFileSync } from 'node:fs';

/** One reading of a process's resident set. */
export interface RssSample {
  /** `performance.now()` when read. */
  at: number;
  /** Resident set size, bytes. */
  rss: number;
}

/** A process's resident set size from /proc (Linux), or undefined once it is gone. */
export function rssOf(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** Read a child's RSS every `everyMs` until stopped; the samples so far, and the peak between two times. */
export function sampleRss(pid: number, everyMs = 200): { samples: RssSample[]; peak(from: number, to: number): number; stop(): void } {
  const samples: RssSample[] = [];
  const timer = setInterval(() => {
    const rss = rssOf(pid);
    if (rss !== undefined) samples.push({ at: performance.now(), rss });
  }, everyMs);
  return {
    samples,
    peak: (from, to) => Math.max(0, ...samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.rss)),
    stop: () => clearInterval(timer),
  };
}
