import { fileURLToPath } from 'node:url';
import { timedProcess } from '../state/timed-process.js';

/** The repository's root, from this file's place in the build (.build/bench/footprint/). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The command line as users run it (bin/rxbtc.js, which runs the bundle in dist/bin). */
export const RXBTC = `${ROOT}bin/rxbtc.js`;

/** A descriptor of the recovery bench's kind, for `rxbtc address`. */
const DESCRIPTOR =
  'wpkh(tpubD6NzVbkrYhZ4XgiXtGrdW5XDAPFCL9h7we1vwNCpn8tGbBcgfVYjXyhWo4E1xkh56hjod1RhGjxbaTLV3X4FyWuejifB9jusQ46QzG87VKp/<0;1>/*)';

/** One process the startup rows time: what it is called, node's arguments, and its targets if any. */
export interface StartupCase {
  readonly name: string;
  readonly args: readonly string[];
  /** Peak RSS (MB) every round stays within, and median wall time (s). */
  readonly target?: { mb: number; seconds: number };
}

/** The command lines and imports timed: node's own floor first. */
export const STARTUP_CASES: readonly StartupCase[] = [
  { name: 'node -e 0 (the floor)', args: ['-e', '0'] },
  { name: 'rxbtc --version', args: [RXBTC, '--version'], target: { mb: 48, seconds: 0.15 } },
  { name: 'rxbtc --help', args: [RXBTC, '--help'] },
  { name: 'rxbtc watch --help', args: [RXBTC, 'watch', '--help'] },
  {
    name: 'rxbtc address --descriptor … --index 3',
    args: [RXBTC, 'address', '--descriptor', DESCRIPTOR, '--index', '3', '--network', 'regtest'],
    target: { mb: 55, seconds: 0.25 },
  },
  ...['rxbtc', 'rxbtc/wire', 'rxbtc/chain', 'rxbtc/wallet', 'rxjs'].map((spec) => ({
    name: `import('${spec}')`,
    args: ['--input-type=module', '-e', `await import(${JSON.stringify(spec)})`],
  })),
];

/** Wall seconds and peak RSS (MB) of each round of one case, rounds interleaved with the other cases'. */
export async function timeStartups(rounds: number): Promise<Map<StartupCase, { seconds: number[]; mb: number[] }>> {
  const out = new Map(STARTUP_CASES.map((c) => [c, { seconds: [] as number[], mb: [] as number[] }]));
  for (let round = 0; round < rounds; round++) {
    for (const c of STARTUP_CASES) {
      const run = await timedProcess([...c.args], undefined, { cwd: ROOT });
      if (run.code !== 0) throw new Error(`${c.name} exited with ${run.code}`);
      out.get(c)!.seconds.push(run.ms / 1000);
      out.get(c)!.mb.push(run.maxRss / 1024 / 1024);
    }
  }
  return out;
}
