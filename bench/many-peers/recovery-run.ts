import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WALLET_DESCRIPTOR, walletScripts, type WalletKind } from '../recovery/wallet-chain.js';
import { timedProcess } from '../state/timed-process.js';
import { BIRTHDAY, CHAIN_LENGTH, CHECKPOINT_HEIGHT, EARLY_PAYMENT, PAYMENT_HEIGHTS } from './chain-layout.js';
import type { NetworkProcess } from './network-process.js';

/** One timed recovery. */
export interface RecoveryRun {
  /** It exited 0 having checked every block to the tip. */
  ok: boolean;
  /** Spawn to exit, ms. */
  ms: number;
  /** Peak RSS, bytes. */
  maxRss: number;
  /** Bytes the simulated peers delivered to it, by peer (PEERS order). */
  received: number[];
  /** Bytes the server sent on the connections that ended meanwhile (more than delivered when a peer stalled). */
  served: number;
  /** Every payment from the birthday found, the one before it not. */
  found: boolean;
  /** Transactions reported confirmed more than once. */
  twice: number;
  /** Why it failed (its last output lines), when it did. */
  failure?: string;
}

/** The wallet on the command line. */
const walletArgs = (kind: WalletKind): string[] =>
  kind === 'scripts'
    ? walletScripts().flatMap((s) => ['--script', Buffer.from(s).toString('hex')])
    : ['--descriptor', WALLET_DESCRIPTOR, '--gap-limit', '20'];

/**
 * `rxbtc watch PEERS… --method bip158 --once --json --datadir <fresh> --checkpoint … --from BIRTHDAY` under
 * /usr/bin/time, stopped after `deadlineMs`; the bytes each simulated peer delivered meanwhile, and whether the
 * payments were reported right.
 */
export async function recoveryRun(network: NetworkProcess, peers: string[], kind: WalletKind, deadlineMs: number): Promise<RecoveryRun> {
  const cli = resolve(import.meta.dirname, '..', 'state', 'rxbtc-cli.js');
  const deadline = pathToFileURL(resolve(import.meta.dirname, 'deadline.js')).href;
  const dir = mkdtempSync(join(tmpdir(), 'rxbtc-many-peers-'));
  const before = await network.stats();
  const servedBefore = network.served.length;
  process.env['RXBTC_BENCH_DEADLINE_MS'] = String(deadlineMs);
  try {
    const run = await timedProcess([
      '--import',
      deadline,
      cli,
      'watch',
      ...peers,
      '--network',
      'regtest',
      '--method',
      'bip158',
      ...walletArgs(kind),
      '--from',
      String(BIRTHDAY),
      '--checkpoint',
      `${CHECKPOINT_HEIGHT}:${network.checkpoint}`,
      '--once',
      '--json',
      '--datadir',
      dir,
    ]);
    await new Promise((r) => setTimeout(r, 500)); // the last bytes counted by the shaper, the server's reports in
    const after = await network.stats();
    const lines = run.lines.map((l) => parseLine(l.text));
    const confirmed = lines.filter((l) => l['event'] === 'tx' && l['status'] === 'confirmed');
    const heights = new Set(confirmed.map((l) => l['height']));
    const txids = new Set(confirmed.map((l) => l['txid']));
    const checked = lines.find((l) => l['event'] === 'checked');
    const ok = run.code === 0 && checked?.['height'] === CHAIN_LENGTH;
    return {
      ok,
      ms: run.ms,
      maxRss: run.maxRss,
      received: after.map((s, i) => s.bytesDown - before[i]!.bytesDown),
      served: network.served.slice(servedBefore).reduce((sum, c) => sum + c.bytesSent, 0),
      found: PAYMENT_HEIGHTS.every((h) => heights.has(h)) && heights.size === PAYMENT_HEIGHTS.length && !heights.has(EARLY_PAYMENT),
      twice: confirmed.length - txids.size,
      ...(ok
        ? {}
        : {
            failure: `exit ${run.code}: ${
              run.lines
                .slice(-3)
                .map((l) => l.text)
                .join(' | ') || '(no output)'
            }`,
          }),
    };
  } finally {
    delete process.env['RXBTC_BENCH_DEADLINE_MS'];
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A JSON line of the CLI, or a `text` record for anything else it printed. */
function parseLine(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { event: 'text', text };
  }
}
