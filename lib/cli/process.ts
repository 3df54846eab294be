import { runCli } from './main.js';

/**
 * Run the `rxbtc` command line as this process: arguments from
 * `process.argv`, lines to stdout and stderr, SIGINT (Ctrl-C) as the abort
 * signal, the exit code in `process.exitCode`.
 */
export async function runCliProcess(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.exitCode = await runCli(argv, {
    out: (line) => process.stdout.write(line + '\n'),
    err: (line) => process.stderr.write(line + '\n'),
    signal: controller.signal,
  });
}
