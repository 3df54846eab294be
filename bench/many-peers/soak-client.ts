import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A sample of the followed process. */
export interface Sample {
  /** performance.now(), ms. */
  at: number;
  /** Resident set size, bytes (VmRSS). */
  rss: number;
  /** Bytes in its datadir. */
  datadir: number;
}

/** A long-running CLI process, sampled. */
export interface SoakClient {
  /** Its stdout lines so far. */
  lines: string[];
  /** Its samples so far (every 500 ms). */
  samples: Sample[];
  /** performance.now() when it exited by itself, if it did. */
  exitedAt(): number | undefined;
  /** SIGINT (Ctrl-C: the CLI says how far it checked and exits), then its exit code. */
  stop(): Promise<number>;
}

/** Bytes in every file under `dir`. */
export function sizeOf(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    total += e.isDirectory() ? sizeOf(path) : statSync(path).size;
  }
  return total;
}

/** VmRSS of a process, bytes (0 once it is gone). */
function rssOf(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Run `node ARGS` and sample its RSS and `datadir` every 500 ms until stopped. */
export function soakClient(args: string[], datadir: string): SoakClient {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const samples: Sample[] = [];
  let pending = '';
  child.stdout.on('data', (d: Buffer) => {
    pending += d.toString();
    const parts = pending.split('\n');
    pending = parts.pop()!;
    lines.push(...parts);
  });
  let exitedAt: number | undefined;
  let stopping = false;
  const exited = new Promise<number>((done) =>
    child.on('exit', (code) => {
      if (!stopping) exitedAt = performance.now();
      done(code ?? -1);
    }),
  );
  const timer = setInterval(() => {
    if (child.pid !== undefined) samples.push({ at: performance.now(), rss: rssOf(child.pid), datadir: sizeOf(datadir) });
  }, 500);
  return {
    lines,
    samples,
    exitedAt: () => exitedAt,
    stop: async () => {
      stopping = true;
      clearInterval(timer);
      child.kill('SIGINT');
      return exited;
    },
  };
}
