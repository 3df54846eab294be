// The rxbtc command line as bin/rxbtc.js runs it, from this build (.build/lib) so the bench needs no `npm run build`.
import { runCli } from '../../lib/cli/main.js';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.exitCode = await runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  signal: controller.signal,
});
