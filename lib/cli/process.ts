import { findCommand } from './commands.js';
import { sizeHeap } from './heap-policy.js';
import { runCli } from './main.js';

/** Written when the event loop runs dry while a command still waits: a bug, said rather than left to Node's exit code 13. */
const STALLED = 'rxbtc: internal error: the command was waiting for something that can no longer happen';

/**
 * Run the `rxbtc` command line as this process: arguments from
 * `process.argv`, lines to stdout and stderr, SIGINT (Ctrl-C) and SIGTERM
 * as the abort signal (a second one kills at once), then exit with the
 * command's code. A command always waits on a socket or a timer (a pool
 * redials with a timer); should the event loop ever run dry before it
 * ends, that is reported and the exit code is 1, never Node's 13 for an
 * unsettled top-level await, nor a silent 0. First of all, for a command,
 * it sizes V8's heap for a small footprint (see `sizeHeap`), unless the
 * user did.
 */
export async function runCliProcess(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const command = findCommand(argv[0] ?? '');
  if (command) sizeHeap({ oneShot: command.oneShot === true }); // --help and --version have no heap to size
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  const stalled = (): void => {
    process.stderr.write(`${STALLED}\n`);
    process.exit(1);
  };
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  process.on('beforeExit', stalled);
  let code = 1;
  try {
    code = await runCli(argv, {
      out: (line) => process.stdout.write(line + '\n'),
      err: (line) => process.stderr.write(line + '\n'),
      signal: controller.signal,
    });
  } catch (e) {
    process.stderr.write(`rxbtc: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  } finally {
    process.off('beforeExit', stalled);
  }
  // Done: timers a command leaves behind (a request's timeout still running after Ctrl-C) must not hold the process;
  // it exits once what it wrote is flushed.
  process.exitCode = code;
  await flushed(process.stdout);
  await flushed(process.stderr);
  process.exit(code);
}

/** Resolves once everything written to `stream` before is handed to the system. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}
