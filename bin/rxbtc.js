#!/usr/bin/env node
// The rxbtc command line; the code is in lib/cli (built to dist/cli).
import { runCli } from '../dist/cli/main.js';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.exitCode = await runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  signal: controller.signal,
});
