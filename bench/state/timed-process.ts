import { spawn } from 'node:child_process';

/** What {@link timedProcess} saw. */
export interface TimedRun {
  /** Wall time from spawn to exit, ms. */
  ms: number;
  /** Peak resident set size of the process, bytes, as `/usr/bin/time -v` reports it. */
  maxRss: number;
  /** Exit status. */
  code: number;
  /** Every stdout line with the Date.now() it arrived at. */
  lines: { at: number; text: string }[];
  /** Date.now() at spawn. */
  startedAt: number;
}

/**
 * Run `node ARGS` under `/usr/bin/time -v` (a public tool: its "Maximum
 * resident set size" is the peak RSS of the whole process, not only the JS
 * heap) and collect its stdout lines with their arrival times.
 * @param args - node's arguments
 * @param onLine - called with each stdout line as it arrives
 * @param options - the working directory and environment @default the bench's own
 */
export function timedProcess(
  args: string[],
  onLine?: (text: string) => void,
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    const t = performance.now();
    const child = spawn('/usr/bin/time', ['-v', process.execPath, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    });
    const lines: TimedRun['lines'] = [];
    let pending = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      pending += d.toString();
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const text = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        lines.push({ at: Date.now(), text });
        onLine?.(text);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
      if (!kb) {
        reject(new Error(`no /usr/bin/time report: ${err.slice(-500)}`));
        return;
      }
      resolve({ ms: performance.now() - t, maxRss: Number(kb[1]) * 1024, code: code ?? -1, lines, startedAt });
    });
  });
}
