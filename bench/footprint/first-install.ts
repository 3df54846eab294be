import { execFileSync, spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './startup.js';

/** One fresh install: what the README's first command took. */
export interface FirstInstall {
  /** `npm ci` with an empty cache, s. */
  ciSeconds: number;
  /** `npm run demo` right after, s. */
  demoSeconds: number;
  /** Packages npm installed. */
  packages: number;
  /** node_modules on disk (blocks used), bytes. */
  bytes: number;
}

/** Bytes a tree takes on disk (allocated blocks, as du counts: links not followed, each file once). */
function diskBytes(path: string, seen = new Set<number>()): number {
  const s = lstatSync(path);
  if (seen.has(s.ino)) return 0;
  seen.add(s.ino);
  if (!s.isDirectory()) return s.blocks * 512;
  return readdirSync(path).reduce((sum, f) => sum + diskBytes(join(path, f), seen), s.blocks * 512);
}

/** Run a command in `cwd`, returning its wall time in seconds; throws on failure. */
function timed(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): { seconds: number; out: string } {
  const t = performance.now();
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr.slice(-1000)}`);
  return { seconds: (performance.now() - t) / 1000, out: r.stdout + r.stderr };
}

/**
 * The README's first command as a new user meets it: the repository cloned
 * into an empty folder, `npm ci` with an empty npm cache (every package
 * fetched from the registry), then `npm run demo`.
 */
export function firstInstall(): FirstInstall {
  const dir = mkdtempSync(join(tmpdir(), 'rxbtc-first-install-'));
  try {
    const clone = join(dir, 'rxbtc');
    execFileSync('git', ['clone', '-q', ROOT, clone]);
    const ci = timed('npm', ['ci', '--cache', join(dir, 'npm-cache'), '--no-audit', '--no-fund'], clone);
    const demo = timed('npm', ['run', 'demo'], clone, { ...process.env, NODE_BACKEND: 'js' });
    const added = /added (\d+) packages/.exec(ci.out);
    return {
      ciSeconds: ci.seconds,
      demoSeconds: demo.seconds,
      packages: Number(added?.[1] ?? NaN),
      bytes: diskBytes(join(clone, 'node_modules')),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
