import type { Pool } from '../pool/pool.js';
import type { PoolArguments } from './cli-pool.js';
import type { CliIO } from './io.js';
import { onInterrupt } from './output.js';
import { unservable } from './unservable.js';

/** How a command on a pool ends, besides finishing its job. */
export interface CommandEnd {
  /** Resolves with the exit code once the command is to end. */
  readonly code: Promise<number>;
  /** End with this code (the first call counts). */
  end(code: number): void;
  /** Stop listening for Ctrl-C and for the pool's losses. */
  dispose(): void;
}

/**
 * The end of a command on a pool: `interrupted` on Ctrl-C or SIGTERM (exit
 * 0 unless it says otherwise), or 1 after `fail` has written why once no
 * named peer could ever serve it ({@link unservable}). Peers that merely go
 * away end nothing: the pool redials them.
 * @param io - the command's signal
 * @param pool - its pool
 * @param args - its named peers
 * @param fail - writes why nobody can serve the command
 * @param interrupted - the exit code on Ctrl-C @default () => 0
 */
export function commandEnd(
  io: CliIO,
  pool: Pool,
  args: PoolArguments,
  fail: (why: string) => void,
  interrupted: () => number = () => 0,
): CommandEnd {
  let resolve!: (code: number) => void;
  let ended = false;
  const code = new Promise<number>((r) => (resolve = r));
  const end = (c: number): void => {
    if (ended) return;
    ended = true;
    resolve(c);
  };
  const lost = unservable(pool, args).subscribe((why) => {
    if (ended) return;
    fail(why);
    end(1);
  });
  const stopListening = onInterrupt(io, () => end(interrupted()));
  return {
    code,
    end,
    dispose: () => {
      lost.unsubscribe();
      stopListening();
    },
  };
}
