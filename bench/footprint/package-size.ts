import { execFileSync } from 'node:child_process';
import { ROOT } from './startup.js';

/** What `npm pack` would publish. */
export interface PackageSize {
  /** The tarball, bytes. */
  tarball: number;
  /** Its files unpacked, bytes. */
  unpacked: number;
  /** Files in it. */
  files: number;
  /** Unpacked bytes by kind: library modules, their types, the CLI bundle, the rest. */
  byKind: Record<string, number>;
  /** Files a user's install does not need that slipped in (sources, source maps, the unbundled CLI): should be none. */
  extraneous: string[];
}

/** The kind of a published file, for {@link PackageSize.byKind}. */
function kindOf(path: string): string {
  if (path.startsWith('dist/bin/') || path.startsWith('bin/')) return 'command line (bundle)';
  if (path.endsWith('.d.ts')) return 'types (.d.ts)';
  if (path.startsWith('dist/')) return 'library modules (.js)';
  return 'README, package.json';
}

/** `npm pack --dry-run --json` of the repository (built), summed up. */
export function packageSize(): PackageSize {
  const [pack] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
  ) as {
    size: number;
    unpackedSize: number;
    entryCount: number;
    files: { path: string; size: number }[];
  }[];
  const byKind: Record<string, number> = {};
  for (const f of pack!.files) byKind[kindOf(f.path)] = (byKind[kindOf(f.path)] ?? 0) + f.size;
  const extraneous = pack!.files.map((f) => f.path).filter((p) => p.endsWith('.map') || p.startsWith('lib/') || p.startsWith('dist/cli/'));
  return { tarball: pack!.size, unpacked: pack!.unpackedSize, files: pack!.entryCount, byKind, extraneous };
}
