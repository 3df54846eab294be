import { StoreError } from '../storage/store-error.js';
import type { CliIO } from './io.js';

/**
 * Run a command whose datadir may be unusable (damaged, another network's,
 * another program's file): such a {@link StoreError} is said plainly and
 * the exit code is 1; anything else is thrown on.
 */
export async function withStoreErrors(io: CliIO, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (e) {
    if (!(e instanceof StoreError)) throw e;
    io.err(`rxbtc: ${e.message}`);
    return 1;
  }
}
