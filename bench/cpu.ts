import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Which CPU the timed code runs on. On this project's machines the two
 * vCPUs are not equally fast: the same child process decoding the same
 * `inv` stream took 60–62 ms per round pinned to one and 78–98 ms pinned to
 * the other, and an unpinned child lands on either, so a figure swung by
 * half from one run to the next with nothing changed. Timed children are
 * therefore pinned (Linux `taskset`, util-linux) to the CPU a short loop
 * finds fastest, every implementation to the same one.
 */
export interface CpuPin {
  /** The CPU every timed process runs on. */
  cpu: number;
  /** Median ms of the probe loop per CPU, by CPU number. */
  probeMs: number[];
}

/** A loop of view allocations and integer work (no library code): prints its median round in ms. */
const PROBE = `const b=new Uint8Array(4096);let x=0;const ms=[];for(let r=0;r<7;r++){const t=performance.now();for(let i=0;i<300000;i++){const v=new Uint8Array(b.buffer,i&1023,32);x=(x*31+v.length+b[i&4095])|0}ms.push(performance.now()-t)}ms.sort((p,q)=>p-q);console.log(x===0.5?-1:ms[3])`;

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Probe each CPU three times (interleaved) and pick the fastest; undefined off Linux, without taskset or on one CPU. */
export function chooseCpu(): CpuPin | undefined {
  const n = availableParallelism();
  if (process.platform !== 'linux' || n < 2 || !hasTaskset()) return undefined;
  const runs: number[][] = Array.from({ length: n }, () => []);
  for (let k = 0; k < 3; k++) {
    for (let cpu = 0; cpu < n; cpu++) {
      const out = execFileSync('taskset', ['-c', String(cpu), process.execPath, '-e', PROBE], { encoding: 'utf8' });
      runs[cpu]!.push(Number(out.trim()));
    }
  }
  const probeMs = runs.map((r) => r.sort((a, b) => a - b)[1]!);
  const cpu = probeMs.indexOf(Math.min(...probeMs));
  return { cpu, probeMs };
}

/** The command and arguments that run `node file ...args` on the pinned CPU (or unpinned without one). */
export function nodeCommand(pin: CpuPin | undefined, file: string, args: string[]): [string, string[]] {
  return pin ? ['taskset', ['-c', String(pin.cpu), process.execPath, file, ...args]] : [process.execPath, [file, ...args]];
}

/** Run `fn` with this process pinned to the CPU, then give it back every CPU it had. */
export async function whilePinned<T>(pin: CpuPin | undefined, fn: () => T | Promise<T>): Promise<T> {
  if (!pin) return await fn();
  const pid = String(process.pid);
  const before = /: (\S+)\s*$/.exec(execFileSync('taskset', ['-p', '-c', pid], { encoding: 'utf8' }))?.[1];
  execFileSync('taskset', ['-p', '-c', String(pin.cpu), pid], { stdio: 'ignore' });
  try {
    return await fn();
  } finally {
    if (before) execFileSync('taskset', ['-p', '-c', before, pid], { stdio: 'ignore' });
  }
}

/** One line for the report. */
export function formatPin(pin: CpuPin | undefined): string {
  if (!pin) return 'timed processes not pinned (no taskset, or one CPU)';
  const probes = pin.probeMs.map((ms, cpu) => `CPU ${cpu} ${ms.toFixed(1)} ms`).join(', ');
  return `timed processes pinned to CPU ${pin.cpu}, the fastest by a probe loop (median of 3: ${probes})`;
}
