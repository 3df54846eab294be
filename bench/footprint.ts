import { firstInstall } from './footprint/first-install.js';
import { packageSize } from './footprint/package-size.js';
import { STARTUP_CASES, timeStartups } from './footprint/startup.js';
import { WALLET_NAMES, walletBundle } from './footprint/wallet-bundle.js';
import { fmt, show, spreadOf } from './spread.js';

const KiB = 1024;
const MB = 1024 * 1024;

/** A bench line: MET/MISS when it has a target. */
interface Line {
  met?: boolean;
  line: string;
}

/** The startup table and its targets (peak RSS in every round, median wall time). */
async function startup(rounds: number): Promise<Line[]> {
  const runs = await timeStartups(rounds);
  console.log(`\nfootprint — starting the command line and importing the library, ${rounds} rounds interleaved, min / median / max`);
  console.table(
    Object.fromEntries(
      STARTUP_CASES.map((c) => [c.name, { wall: show(runs.get(c)!.seconds, 's', 3), 'peak RSS': show(runs.get(c)!.mb, 'MiB', 1) }]),
    ),
  );
  return STARTUP_CASES.flatMap((c) => {
    if (!c.target) return [];
    const { seconds, mb } = runs.get(c)!;
    const worstMb = spreadOf(mb)[2];
    const medianS = spreadOf(seconds)[1];
    return [
      { met: worstMb <= c.target.mb, line: `${c.name}: peak RSS ≤ ${c.target.mb} MB in every round: ${fmt(worstMb, 1)} MiB` },
      { met: medianS <= c.target.seconds, line: `${c.name}: ≤ ${c.target.seconds} s (median round): ${fmt(medianS, 3)} s` },
    ];
  });
}

/** What `npm install rxbtc` fetches, and the browser bundle of the wallet-watching path. */
async function shipped(): Promise<Line[]> {
  const pack = packageSize();
  const wallet = await walletBundle();
  console.log('\nfootprint — the published package (npm pack --dry-run) and a browser bundle of the wallet-watching path');
  console.table({
    'npm pack: tarball': `${fmt(pack.tarball / KiB)} KiB`,
    'npm pack: unpacked': `${fmt(pack.unpacked / KiB)} KiB in ${pack.files} files`,
    ...Object.fromEntries(Object.entries(pack.byKind).map(([k, v]) => [`  ${k}`, `${fmt(v / KiB)} KiB`])),
    [`browser bundle of ${WALLET_NAMES.join(', ')}`]: `${fmt(wallet.bytes / KiB, 1)} KiB, ${fmt(wallet.gzipBytes / KiB, 1)} KiB gzipped (esbuild, minified, rxjs and noble inside)`,
  });
  return [
    {
      met: pack.extraneous.length === 0,
      line: `the package holds no sources, source maps or unbundled CLI: ${pack.extraneous.length === 0 ? 'none' : pack.extraneous.slice(0, 5).join(', ')}`,
    },
  ];
}

/**
 * The footprint section: the command line's start (peak RSS, wall time) and
 * what importing the library's root or one layer loads, the published
 * package, and a browser bundle of the wallet-watching path. The memory of
 * the real jobs is in the state and recovery sections.
 */
export async function runFootprint(rounds: number): Promise<Line[]> {
  return [...(await startup(Math.max(7, rounds))), ...(await shipped())];
}

/**
 * The first install (only when named: it clones the repository and fetches
 * every package from the registry): the README's `npm ci && npm run demo`
 * with an empty npm cache, against ≤ 60 s and ≤ 200 MB of node_modules.
 */
export function runFirstInstall(): Line[] {
  const r = firstInstall();
  console.log('\nfirst install — a clone in an empty folder, npm ci with an empty npm cache, then npm run demo');
  console.table({
    'npm ci (empty cache)': `${fmt(r.ciSeconds, 1)} s, ${r.packages} packages`,
    'npm run demo': `${fmt(r.demoSeconds, 1)} s`,
    node_modules: `${fmt(r.bytes / MB, 1)} MiB on disk`,
  });
  const total = r.ciSeconds + r.demoSeconds;
  return [
    { met: total <= 60, line: `npm ci && npm run demo from an empty cache ≤ 60 s: ${fmt(total, 1)} s` },
    { met: r.bytes <= 200 * MB, line: `node_modules ≤ 200 MB: ${fmt(r.bytes / MB, 1)} MiB` },
  ];
}
